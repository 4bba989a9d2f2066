"""Sessions: session plans, run-sheets and the versions a module can run in."""
