"""painpath: evidence-based care for low back pain and hip pain."""

__version__ = "0.1.0"
