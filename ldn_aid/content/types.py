"""Small shared field types for content models."""

from typing import Annotated

from pydantic import StringConstraints

RefId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
