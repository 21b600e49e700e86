"""The PyTorch and ONNX side of the benchmarks, natively.

For each gansketch model file given:
  - builds the identical network in PyTorch (bench/pix2pix_torch.py) and checks that it
    gives burn's output (`gansketch translate` of the same input) to 1e-4;
  - exports it to ONNX for onnxruntime (native here, onnxruntime-web in the browser) and
    checks onnxruntime's output against PyTorch's;
  - times PyTorch and onnxruntime inference (batch of one 256² image) and one PyTorch
    pix2pix training step, with the thread count given;
  - counts the network's multiply-accumulates per translation;
  - times each convolution bench/native.rs timed alone (DIR/burn-native.json lists them).
Also measures this machine's practical peak: a large float32 matrix product.

Usage: python bench/torch_side.py --work DIR --threads N --runs N NAME=MODEL.gsk ...
Writes DIR/torch.json and DIR/NAME.onnx; reads DIR/NAME.input.npy, DIR/NAME.burn.npy and
DIR/burn-native.json (so bench/native.rs runs first).
"""
import argparse
import warnings
import json
import statistics
import time

import numpy as np
import onnxruntime as ort
import torch
from torch import nn
from torch.nn import functional as F

import pix2pix_torch as p2p


def timed(function, runs, warmup=3):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return summary(times)


def summary(times):
    ordered = sorted(times)
    return {
        "runs": len(times),
        "median_ms": statistics.median(times),
        "p10_ms": ordered[len(ordered) // 10],
        "p90_ms": ordered[(len(ordered) * 9) // 10],
        "min_ms": ordered[0],
    }


def count_macs(net, x):
    """Multiply-accumulates of convolutions and transposed convolutions in one forward."""
    total = 0

    def conv(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.ConvTranspose2d):
            # Every input pixel meets every weight once.
            total += inputs[0].numel() // inputs[0].shape[1] * module.weight.numel()
        else:
            total += output.numel() // output.shape[1] * module.weight.numel()

    hooks = [m.register_forward_hook(conv) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        net(x)
    for hook in hooks:
        hook.remove()
    return total


def export_onnx(net, x, path):
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # the TorchScript exporter: still the one that takes in-place ops
    torch.onnx.export(net, (x,), path, input_names=["input"], output_names=["output"], opset_version=17, dynamo=False)


def training_step(header, threads, runs):
    """One pix2pix step (G forward, D on fake and real, both backward, two Adam updates),
    as gansketch train does it: batch norm on batch statistics, vanilla GAN loss, λ = 100."""
    config = header["generator"]
    g = p2p.generator(config, "running").train()
    d = p2p.NLayerDiscriminator(config["input_channels"] + config["output_channels"], 64, 3, config["norm"]).train()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    a = torch.rand(1, config["input_channels"], 256, 256) * 2 - 1
    b = torch.rand(1, config["output_channels"], 256, 256) * 2 - 1

    def step():
        fake = g(a)
        pred_fake = d(torch.cat([a, fake.detach()], 1))
        pred_real = d(torch.cat([a, b], 1))
        loss_d = 0.5 * (F.binary_cross_entropy_with_logits(pred_fake, torch.zeros_like(pred_fake))
                        + F.binary_cross_entropy_with_logits(pred_real, torch.ones_like(pred_real)))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        pred_fake = d(torch.cat([a, fake], 1))
        loss_g = F.binary_cross_entropy_with_logits(pred_fake, torch.ones_like(pred_fake)) + 100 * F.l1_loss(fake, b)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()

    return timed(step, runs, warmup=2)


def time_layers(layers, runs):
    """Times each convolution bench/native.rs timed (its `layers` in burn-native.json)."""
    results = []
    for layer in layers:
        cin, cout, k, side = layer["input"], layer["output"], layer["kernel"], layer["side"]
        x = torch.randn(1, cin, side, side)
        options = {"stride": layer["stride"], "padding": layer["padding"]}
        if layer["transposed"]:
            w = torch.randn(cin, cout, k, k) * 0.02
            op = lambda: F.conv_transpose2d(x, w, **options)
        else:
            w = torch.randn(cout, cin, k, k) * 0.02
            op = lambda: F.conv2d(x, w, **options)

        def run():
            with torch.inference_mode():
                op()

        results.append({**layer, "median_ms": timed(run, runs, warmup=2)["median_ms"]})
    return results


def peak_gflops(threads):
    """GFLOP/s of a 2048³ float32 matrix product (MKL/oneDNN): this machine's practical peak."""
    a, b = torch.rand(2048, 2048), torch.rand(2048, 2048)
    stats = timed(lambda: a @ b, 10)
    return 2 * 2048 ** 3 / (stats["median_ms"] / 1000) / 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--train-runs", type=int, default=5)
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(f"{args.work}/burn-native.json") as f:
        burn_layers = {name: model.get("layers", []) for name, model in json.load(f)["models"].items()}
    results = {"torch": torch.__version__, "onnxruntime": ort.__version__, "threads": args.threads,
               "peak_gflops": peak_gflops(args.threads), "models": {}}
    for item in args.models:
        name, path = item.split("=", 1)
        header, net = p2p.load_generator(path)
        x_np = np.load(f"{args.work}/{name}.input.npy")
        x = torch.from_numpy(x_np)
        with torch.inference_mode():
            y = net(x).numpy()
        burn = np.load(f"{args.work}/{name}.burn.npy")
        burn_error = float(np.abs(y - burn).max())
        if burn_error > 1e-4:
            raise SystemExit(f"{name}: PyTorch and burn differ by {burn_error} (> 1e-4): not the same network")
        onnx_path = f"{args.work}/{name}.onnx"
        export_onnx(net, x, onnx_path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
        y_ort = session.run(None, {"input": x_np})[0]
        ort_error = float(np.abs(y_ort - y).max())
        if ort_error > 1e-4:
            raise SystemExit(f"{name}: onnxruntime and PyTorch differ by {ort_error} (> 1e-4)")

        def torch_forward():
            with torch.inference_mode():
                net(x)

        results["models"][name] = {
            "file": path,
            "generator": header["generator"],
            "norm_stats": header["norm_stats"],
            "macs": count_macs(net, x),
            "max_abs_error_vs_burn": burn_error,
            "max_abs_error_onnxruntime_vs_torch": ort_error,
            "torch_inference": timed(torch_forward, args.runs),
            "onnxruntime_inference": timed(lambda: session.run(None, {"input": x_np}), args.runs),
            "torch_training_step": training_step(header, args.threads, args.train_runs),
            "torch_layers": time_layers(burn_layers[name], args.runs),
        }
        print(name, json.dumps({k: v for k, v in results["models"][name].items() if "inference" in k or "training" in k}))
    with open(f"{args.work}/torch.json", "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
