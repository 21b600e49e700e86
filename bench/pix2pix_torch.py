"""The pix2pix networks in PyTorch, nested as the reference implementation nests them
(junyanz/pytorch-CycleGAN-and-pix2pix, models/networks.py), so that the tensors of a
gansketch model file — named by the reference's state-dict keys — load with
`load_state_dict(strict=True)`. The benchmarks run the identical network on both sides.

Only the benchmarks use this; the tests check our networks against checkpoints the
reference itself wrote (tests/fixtures/pix2pix).
"""
import json
import struct

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class ImageStatsNorm(nn.Module):
    """Batch norm normalising with the image's own statistics (gansketch's `image` mode,
    the reference's test.py without --eval). For a batch of one image this is instance
    norm with batch norm's scale and shift, which ONNX has as one operator."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.register_buffer("num_batches_tracked", torch.tensor(0))

    def forward(self, x):
        assert x.shape[0] == 1, "image statistics are per image: translate one at a time"
        return F.instance_norm(x, weight=self.weight, bias=self.bias, eps=1e-5)


def norm_layer(kind, channels, stats):
    if kind == "batch":
        return ImageStatsNorm(channels) if stats == "image" else nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    return nn.Identity()


class UnetSkipConnectionBlock(nn.Module):
    def __init__(self, outer, inner, input_nc=None, sub=None, outermost=False, innermost=False,
                 norm="batch", stats="running", dropout=False):
        super().__init__()
        self.outermost = outermost
        bias = norm == "instance"
        down = nn.Conv2d(input_nc or outer, inner, 4, 2, 1, bias=bias)
        if outermost:
            layers = [down, sub, nn.ReLU(True), nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1), nn.Tanh()]
        elif innermost:
            up = nn.ConvTranspose2d(inner, outer, 4, 2, 1, bias=bias)
            layers = [nn.LeakyReLU(0.2, True), down, nn.ReLU(True), up, norm_layer(norm, outer, stats)]
        else:
            up = nn.ConvTranspose2d(inner * 2, outer, 4, 2, 1, bias=bias)
            layers = [nn.LeakyReLU(0.2, True), down, norm_layer(norm, inner, stats), sub,
                      nn.ReLU(True), up, norm_layer(norm, outer, stats)]
            if dropout:
                layers.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        # The in-place LeakyReLU rewrites x before the concatenation reads it, as in the reference.
        return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, num_downs, ngf, norm, stats, dropout):
        super().__init__()
        kw = dict(norm=norm, stats=stats)
        block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, innermost=True, **kw)
        for _ in range(num_downs - 5):
            block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, sub=block, dropout=dropout, **kw)
        for outer, inner in [(ngf * 4, ngf * 8), (ngf * 2, ngf * 4), (ngf, ngf * 2)]:
            block = UnetSkipConnectionBlock(outer, inner, sub=block, **kw)
        self.model = UnetSkipConnectionBlock(output_nc, ngf, input_nc=input_nc, sub=block, outermost=True, **kw)

    def forward(self, x):
        return self.model(x)


class ResnetBlock(nn.Module):
    def __init__(self, dim, norm, stats, dropout):
        super().__init__()
        bias = norm == "instance"
        layers = [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=bias), norm_layer(norm, dim, stats), nn.ReLU(True)]
        if dropout:
            layers.append(nn.Dropout(0.5))
        layers += [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=bias), norm_layer(norm, dim, stats)]
        self.conv_block = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, ngf, norm, stats, dropout, n_blocks):
        super().__init__()
        bias = norm == "instance"
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7, bias=bias), norm_layer(norm, ngf, stats), nn.ReLU(True)]
        for i in range(2):
            c = ngf * 2 ** i
            layers += [nn.Conv2d(c, c * 2, 3, 2, 1, bias=bias), norm_layer(norm, c * 2, stats), nn.ReLU(True)]
        layers += [ResnetBlock(ngf * 4, norm, stats, dropout) for _ in range(n_blocks)]
        for i in range(2):
            c = ngf * 2 ** (2 - i)
            layers += [nn.ConvTranspose2d(c, c // 2, 3, 2, 1, output_padding=1, bias=bias),
                       norm_layer(norm, c // 2, stats), nn.ReLU(True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    """The PatchGAN (`--netD basic` is n_layers = 3)."""

    def __init__(self, input_nc, ndf, n_layers, norm):
        super().__init__()
        bias = norm == "instance"
        layers = [nn.Conv2d(input_nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers + 1):
            previous, mult = mult, min(2 ** n, 8)
            stride = 1 if n == n_layers else 2
            layers += [nn.Conv2d(ndf * previous, ndf * mult, 4, stride, 1, bias=bias),
                       norm_layer(norm, ndf * mult, "running"), nn.LeakyReLU(0.2, True)]
        layers.append(nn.Conv2d(ndf * mult, 1, 4, 1, 1))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def generator(config, stats):
    """The generator a gansketch header's `generator` object describes."""
    # Files written before gansketch used the reference names say `unet256`, `resnet9_blocks`.
    arch = {"unet128": "unet_128", "unet256": "unet_256", "resnet6_blocks": "resnet_6blocks",
            "resnet9_blocks": "resnet_9blocks"}.get(config["architecture"], config["architecture"])
    ngf, norm = config["ngf"], config["norm"]
    io = (config["input_channels"], config["output_channels"])
    dropout = config["dropout"]
    if arch.startswith("unet"):
        return UnetGenerator(*io, {"unet_128": 7, "unet_256": 8}[arch], ngf, norm, stats, dropout)
    return ResnetGenerator(*io, ngf, norm, stats, dropout, {"resnet_6blocks": 6, "resnet_9blocks": 9}[arch])


def read_model_file(path):
    """(header, {name: float32 array}) of a gansketch model file (DESIGN.md's format)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"GANSKTCH":
        raise ValueError(f"{path}: not a gansketch model file")
    (header_length,) = struct.unpack("<Q", data[12:20])
    header = json.loads(data[20:20 + header_length])
    section = data[20 + header_length:]
    tensors = {}
    for entry in header["tensors"]:
        dtype = {"f32": "<f4", "f16": "<f2"}[entry["dtype"]]
        raw = section[entry["offset"]:entry["offset"] + entry["length"]]
        tensors[entry["name"]] = np.frombuffer(raw, dtype=dtype).astype(np.float32).reshape(entry["shape"])
    return header, tensors


def load_generator(path, stats=None):
    """The generator of a gansketch model file, in eval mode, with its weights."""
    header, tensors = read_model_file(path)
    stats = stats or header["norm_stats"]
    net = generator(header["generator"], stats)
    state = {name: torch.from_numpy(values.copy()) for name, values in tensors.items()}
    for name, buffer in net.state_dict().items():
        if name.endswith("num_batches_tracked"):
            state[name] = buffer
    net.load_state_dict(state, strict=True)
    return header, net.eval()
