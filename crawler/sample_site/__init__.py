"""The bundled sample site: a small provincial-portal-like news site written for this
project, generated in memory and served on 127.0.0.1 for the demo, the tests and the
benchmarks."""

from .generate import Site, build
from .server import serve

__all__ = ["Site", "build", "serve"]
