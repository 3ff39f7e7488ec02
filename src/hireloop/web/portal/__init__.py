"""Pages candidates reach by a link: the practical-task portal and the preparation page."""
