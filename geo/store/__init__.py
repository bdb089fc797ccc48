"""Where the dataset lives: the data folder (today's store) and loading it into a Dataset."""
from geo.store.folder import DataFolder, StoreError
from geo.store.loading import load_dataset

__all__ = ["DataFolder", "StoreError", "load_dataset"]
