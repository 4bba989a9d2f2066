"""peerkit: write peer-support training modules once, publish them as a site and as packs."""

__version__ = "0.1.0"
