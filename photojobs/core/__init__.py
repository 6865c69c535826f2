"""Qt-free heart of PhotoJobs: configuration, database, library on disk, jobs."""
