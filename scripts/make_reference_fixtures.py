"""Write reference pix2pix checkpoints with inputs and expected outputs, for parity tests.

Usage: python scripts/make_reference_fixtures.py PIX2PIX_MODELS_DIR OUT_DIR [CASE ...]

PIX2PIX_MODELS_DIR holds the reference implementation's `networks.py`
(junyanz/pytorch-CycleGAN-and-pix2pix, models/). Needs torch and numpy; the tests only
read what this writes, so neither is needed to run them. Weights are random (N(0, 0.02),
as pix2pix's init), running statistics random so that the two statistics modes differ.
"""
import sys
import zlib

import numpy as np
import torch

sys.path.insert(0, sys.argv[1])
import networks  # noqa: E402

OUT = sys.argv[2]
ONLY = set(sys.argv[3:])

# name: (constructor, netG name, ngf, norm, dropout, input_nc, output_nc, size)
CASES = {
    "unet128_ngf4_instance": ("unet", 7, 4, "instance", True, 3, 3, 128),
    "unet256_ngf4_none_gray": ("unet", 8, 4, "none", False, 1, 1, 256),
    "resnet6_ngf4_batch_nodropout": ("resnet", 6, 4, "batch", False, 3, 3, 64),
    "resnet6_ngf4_instance_3to1": ("resnet", 6, 4, "instance", True, 3, 1, 64),
    # Batch norm in both statistics modes for the two generators GANmapper and pix2pix use
    # most, with dropout (it shifts the ResNet block's indices).
    "unet256_ngf4_batch": ("unet", 8, 4, "batch", True, 3, 3, 256),
    "resnet9_ngf4_batch": ("resnet", 9, 4, "batch", True, 3, 3, 64),
}


def build(kind, depth, ngf, norm, dropout, input_nc, output_nc):
    norm_layer = networks.get_norm_layer(norm)
    if kind == "unet":
        return networks.UnetGenerator(input_nc, output_nc, depth, ngf, norm_layer=norm_layer, use_dropout=dropout)
    return networks.ResnetGenerator(input_nc, output_nc, ngf, norm_layer=norm_layer, use_dropout=dropout, n_blocks=depth)


def randomise(net):
    for module in net.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            torch.nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                torch.nn.init.normal_(module.bias, 0.0, 0.02)
        if isinstance(module, torch.nn.BatchNorm2d):
            torch.nn.init.normal_(module.weight, 1.0, 0.02)
            torch.nn.init.normal_(module.bias, 0.0, 0.02)
            module.running_mean.normal_(0.0, 0.05)
            module.running_var.uniform_(0.5, 1.5)


def main():
    for name, (kind, depth, ngf, norm, dropout, input_nc, output_nc, size) in CASES.items():
        if ONLY and name not in ONLY:
            continue
        torch.manual_seed(zlib.crc32(name.encode()))
        net = build(kind, depth, ngf, norm, dropout, input_nc, output_nc)
        randomise(net)
        # Saved before any forward pass: a forward in training mode moves batch norm's
        # running statistics (momentum 0.1), which would make the file disagree with the
        # eval output.
        torch.save(net.state_dict(), f"{OUT}/{name}.pth")
        x = torch.rand(1, input_nc, size, size) * 2 - 1
        np.save(f"{OUT}/{name}.input.npy", x.numpy().astype(np.float32))
        with torch.no_grad():
            net.eval()
            np.save(f"{OUT}/{name}.expected_eval.npy", net(x).numpy().astype(np.float32))
            net.train()
            for module in net.modules():  # dropout off, norm layers on the image's statistics
                if isinstance(module, torch.nn.Dropout):
                    module.eval()
            np.save(f"{OUT}/{name}.expected_image_stats.npy", net(x).numpy().astype(np.float32))
        print(name, sum(p.numel() for p in net.state_dict().values()), "values")
    if not ONLY:
        discriminator = networks.NLayerDiscriminator(6, 8, 3, networks.get_norm_layer("batch"))
        torch.save(discriminator.state_dict(), f"{OUT}/patchgan_ndf8_batch.pth")


if __name__ == "__main__":
    main()
