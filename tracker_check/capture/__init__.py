"""Capture: the in-page hook (hook.js), browser discovery and launch, and the Recorder."""
