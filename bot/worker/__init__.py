"""The worker side: rq tasks that carry out approved fixes, the worker process that runs only
them, the fix queue, a running fix's lease and the recovery of fixes a dead worker left."""
