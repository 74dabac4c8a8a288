"""The application: command line, batch runs over prompt files, the side-by-side baseline comparison."""
