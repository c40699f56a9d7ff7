"""The naive way to name a recording's dance: the reference process ``command_speed.py`` times against.

Written as a newcomer would, from the paper's recipe and the libraries' front pages: ``librosa.load``
at 22050 Hz, librosa's 224-band dB mel spectrogram, torchvision's DenseNet161 (paper 1's network;
random weights, as speed does not depend on them) over 224-frame windows at stride 200 in batches
of 8, and the mean of the softmax. No tempo. Prints the index of the most probable of 10 classes.

    python benchmarks/naive_identify.py SONG
"""

from __future__ import annotations

import sys

import librosa
import numpy as np
import torch
import torchvision


def main(path: str) -> int:
    y, sr = librosa.load(path, sr=22050)
    mel = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr, n_fft=2048, hop_length=512, n_mels=224))
    net = torchvision.models.densenet161(weights=None, num_classes=10)
    net.features.conv0 = torch.nn.Conv2d(1, 96, kernel_size=7, stride=2, padding=3, bias=False)
    net.eval()
    starts = range(0, mel.shape[1] - 224 + 1, 200)
    windows = torch.from_numpy(np.stack([mel[:, s : s + 224] for s in starts])).float().unsqueeze(1)
    with torch.no_grad():
        probs = torch.cat([torch.softmax(net(windows[i : i + 8]), dim=-1) for i in range(0, len(windows), 8)])
    print(int(probs.mean(dim=0).argmax()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
