"""Questionnaire definitions (YAML files under ``instruments/``) and the builder
that turns them into WTForms form classes."""
