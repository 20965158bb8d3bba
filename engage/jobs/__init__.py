"""Background jobs: long work (large downloads) runs in a worker process, not a web worker."""
