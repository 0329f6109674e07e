"""The PDF renderer: the only package that imports reportlab. It draws the documents the pure
`ldn_aid.handout` package composes (models in, bytes out), with the fonts it ships."""
