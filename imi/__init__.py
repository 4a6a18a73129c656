"""imi: the paper *Image manipulation system with natural language instruction* (Shinagawa et al.) in PyTorch."""
__version__ = "0.1.0"
