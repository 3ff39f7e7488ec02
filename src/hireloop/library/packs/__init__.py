"""Content packs: YAML files of interview content, validated before anything is loaded."""
