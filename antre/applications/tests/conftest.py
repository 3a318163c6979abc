"""The applications' tests keep their documents in a folder of their own."""

import pytest


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    # Documents are files outside the database: each test gets its own folder to look into.
    settings.DATA_DIR = tmp_path
