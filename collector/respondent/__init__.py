"""The respondent side: personal links, saved drafts, the questionnaire's
pages and the durable submission write path."""
