"""
The course-package format: a directory of YAML files (``docs/course-package.md``) that is read and checked
completely before anything is written, imported as a new course version in one transaction, and exported
back to the same files.

Reading goes ``yamlio`` (YAML with line numbers) → ``schema`` (JSON Schema, structure only) → the rules that
need the whole package (``course_checks``, ``module_checks``, ``item_checks``, ``accreditation_checks``) →
``canonical`` (defaults filled, content hash); ``reading.read_package`` runs them in that order. Writing is
``importing``; the way back is ``exporting``. Apps that own part of a package register in ``registry``.
"""
