from django.apps import AppConfig


class SampledataConfig(AppConfig):
    name = "sampledata"
