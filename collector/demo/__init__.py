"""The demo: the 2017 recruitment case from the evaluation report, with
synthetic answers, for showing and trying Medverkan."""
