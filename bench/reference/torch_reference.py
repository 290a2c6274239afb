"""The PyTorch reference protocol for Transferlab's parameter-transfer methods (issue 17).

Run by bench/reference/reference.ts through Debian's interpreter, /usr/bin/python3
(python3-torch 1.13 with libopenblas0-pthread). Reads the manifest that exportRuns.ts wrote:
every run of an experiment with its resolved settings and the exact rows it trained and was
evaluated on (the project's splits and the label samples of each seed, not re-drawn here).
Writes one JSON object with the reference's metrics per run.

What it is: a plain PyTorch training of the same protocol, written the way a practitioner
writes it, with PyTorch's own defaults, so that it can tell whether Transferlab's answer is the
field's answer.
  - Models: nn.Linear / nn.Conv2d with PyTorch's default initialisation (kaiming_uniform with
    a = sqrt(5), i.e. U(+-1/sqrt(fan_in)) for weights and biases), the same layer sizes; or, when
    the spec's model names an `init`, that initialisation (the same rule as Transferlab's).
  - Optimiser: torch.optim.Adam (eps 1e-8) or SGD at the run's learning rate, batch size and
    epochs; mean cross-entropy (BCEWithLogits for two classes, one logit, as Transferlab).
  - Each epoch visits the training rows once in a fresh seeded order (last batch partial).
  - Source runs: a fresh model trained on the source run's rows.
  - scratch: a fresh model trained on the target's labelled rows.
  - fine-tune: the reference's own source model of the same seed, a new nn.Linear head with its
    default initialisation times headInitScale (or the source's head kept, keepSourceHead),
    every weight trained except the first `freezeLayers` weight layers, R(theta) = L2 or L2-SP
    as strategies/fineTune.ts defines it, a trunk learning rate times `trunkLrScale`, and
    `probeEpochs` epochs of training the new head alone first (LP-FT, Kumar et al. 2022), after
    which a fresh optimiser trains every trainable weight.
  - feature-extraction: the source model's trunk up to hidden layer `layer`, frozen, and a new
    head (Linear, or Linear-ReLU-Linear with headHidden units) at learning rate x
    learningRateScale.
Final metrics are those of the last epoch, or of the best epoch when the run restores it
(earlyStopping.restoreBest), as in Transferlab.
"""

import argparse
import copy
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "elu": nn.ELU}
SUPPORTED = ("source", "scratch", "fine-tune", "feature-extraction")


class Net(nn.Module):
    """The run's ModelSpec: weight blocks (conv blocks first, then hidden Dense) and a head."""

    def __init__(self, spec, feature_shape, out_units):
        super().__init__()
        self.image = None
        blocks = []
        if spec["type"] == "cnn":
            h, w = feature_shape[0], feature_shape[1]
            c = feature_shape[2] if len(feature_shape) > 2 else 1
            self.image = (h, w, c)
            k = spec["kernelSize"]
            channels = c
            for filters in spec["conv"]:
                blocks.append(
                    nn.Sequential(nn.Conv2d(channels, filters, k), nn.ReLU(), nn.MaxPool2d(2))
                )
                channels = filters
                h, w = (h - k + 1) // 2, (w - k + 1) // 2
            width = channels * h * w
            hidden, act = spec["dense"], "relu"
        else:
            width = int(np.prod(feature_shape))
            hidden, act = spec["hidden"], spec["activation"]
        self.conv_count = len(blocks)
        for units in hidden:
            blocks.append(nn.Sequential(nn.Linear(width, units), ACTIVATIONS[act]()))
            width = units
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Linear(width, out_units)
        initialise(self, spec.get("init"), act)

    def prepare(self, x):
        if self.image is None:
            return x.reshape(x.shape[0], -1)
        h, w, c = self.image
        return x.reshape(x.shape[0], h, w, c).permute(0, 3, 1, 2)

    def features(self, x, upto=None):
        """The output of the first `upto` blocks (all of them by default)."""
        z = self.prepare(x)
        for i, block in enumerate(self.blocks[: upto if upto is not None else len(self.blocks)]):
            if i == self.conv_count and self.conv_count > 0:
                z = z.flatten(1)
            z = block(z)
        if upto is None and self.conv_count == len(self.blocks):
            z = z.flatten(1)
        return z

    def forward(self, x):
        return self.head(self.features(x))


def initialise(net, init, act):
    """The spec's model.init when it names one (Transferlab's WeightInitSchema), else PyTorch's own.

    he: He-normal (truncated at 2 sd, as tfjs) for ReLU/ELU layers and convolutions,
    Glorot-uniform for tanh/sigmoid and the output layer; lecun-uniform: uniform in
    +-1/sqrt(fan_in); zero biases for both.
    """
    if init is None:
        return
    with torch.no_grad():
        for module in net.modules():
            if not isinstance(module, (nn.Linear, nn.Conv2d)):
                continue
            fan_in = nn.init._calculate_fan_in_and_fan_out(module.weight)[0]
            is_head = module is net.head
            if init == "lecun-uniform":
                bound = 1 / math.sqrt(fan_in)
                nn.init.uniform_(module.weight, -bound, bound)
            elif not is_head and (isinstance(module, nn.Conv2d) or act in ("relu", "elu")):
                std = math.sqrt(2 / fan_in)
                nn.init.trunc_normal_(module.weight, 0, std, -2 * std, 2 * std)
            else:
                nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)


class Probe(nn.Module):
    """Feature extraction: a frozen trunk cut after one hidden block, and a new head."""

    def __init__(self, source, upto, head):
        super().__init__()
        self.source = source
        self.upto = upto
        self.head = head

    def forward(self, x):
        with torch.no_grad():
            z = self.source.features(x, self.upto)
        return self.head(z)


def out_units(k):
    return 1 if k == 2 else k


def loss_of(logits, y, k, reduction="mean"):
    if k == 2:
        return nn.functional.binary_cross_entropy_with_logits(
            logits.reshape(-1), y.float(), reduction=reduction
        )
    return nn.functional.cross_entropy(logits, y, reduction=reduction)


def predicted(logits):
    return (logits.reshape(-1) >= 0).long() if logits.shape[1] == 1 else logits.argmax(1)


def evaluate(model, split, k):
    if split is None or split[0].shape[0] == 0:
        return float("nan"), float("nan")
    x, y = split
    model.eval()
    with torch.no_grad():
        loss = 0.0
        correct = 0
        for start in range(0, x.shape[0], 4096):
            logits = model(x[start : start + 4096])
            yb = y[start : start + 4096]
            loss += float(loss_of(logits, yb, k, "sum"))
            correct += int((predicted(logits) == yb).sum())
    model.train()
    return loss / x.shape[0], correct / x.shape[0]


def new_optimizer(groups, training):
    if training["optimizer"] == "adam":
        return torch.optim.Adam(groups, lr=training["learningRate"])
    return torch.optim.SGD(groups, lr=training["learningRate"])


def train(model, data, k, training, seed, groups, penalty=None, probe=None):
    """Trains in place; returns (final metrics, per-epoch metrics)."""
    x, y = data["train"]
    generator = torch.Generator().manual_seed(seed)
    batch = training["batchSize"]
    stopping = training.get("earlyStopping")
    best, best_epoch, best_state, since = None, 0, None, 0
    stage = "probe" if probe is not None else "all"
    optimizer = new_optimizer(probe["groups"] if probe is not None else groups, training)
    history = []
    for epoch in range(1, training["epochs"] + 1):
        if stage == "probe" and epoch > probe["epochs"]:
            stage = "all"
            optimizer = new_optimizer(groups, training)
        order = torch.randperm(x.shape[0], generator=generator)
        for start in range(0, x.shape[0], batch):
            rows = order[start : start + batch]
            optimizer.zero_grad()
            loss = loss_of(model(x[rows]), y[rows], k)
            if penalty is not None:
                loss = loss + penalty()
            loss.backward()
            optimizer.step()
        train_loss, train_acc = evaluate(model, data["train"], k)
        val_loss, val_acc = evaluate(model, data.get("val"), k)
        history.append({"epoch": epoch, "loss": train_loss, "acc": train_acc,
                        "val_loss": val_loss, "val_acc": val_acc})
        if not math.isfinite(train_loss):
            return {"diverged": True}, history
        if stopping:
            value = val_loss if stopping["monitor"] == "val_loss" else val_acc
            better = math.isfinite(value) and (
                best is None or (value < best if stopping["monitor"] == "val_loss" else value > best)
            )
            if better:
                best, best_epoch, since = value, epoch, 0
                if stopping["restoreBest"]:
                    best_state = copy.deepcopy(model.state_dict())
            else:
                since += 1
                if since >= stopping["patience"]:
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    final = {}
    for name in ("train", "val", "test"):
        loss, acc = evaluate(model, data.get(name), k)
        final[f"{name}_loss"], final[f"{name}_acc"] = loss, acc
    if stopping:
        final["best_epoch"] = best_epoch
    return final, history


def fresh(run, k):
    return Net(run["model"], run["featureShape"], out_units(k))


def fine_tune(run, source, k):
    p = run["params"]
    model = copy.deepcopy(source)
    if not p.get("keepSourceHead", False):
        model.head = nn.Linear(model.head.in_features, out_units(k))
        with torch.no_grad():
            # headInitScale multiplies each framework's default head initialisation.
            model.head.weight.mul_(p.get("headInitScale", 1))
            model.head.bias.mul_(p.get("headInitScale", 1))
    elif model.head.out_features != out_units(k):
        raise ValueError("keepSourceHead needs the source's classes")
    weights = list(model.blocks)
    for block in weights[: p["freezeLayers"]]:
        for q in block.parameters():
            q.requires_grad_(False)
    trainable = weights[p["freezeLayers"] :]
    lr = run["training"]["learningRate"]
    trunk_params = [q for block in trainable for q in block.parameters()]
    groups = [
        {"params": trunk_params, "lr": lr * p.get("trunkLrScale", 1)},
        {"params": list(model.head.parameters()), "lr": lr},
    ]
    terms = []
    for i, block in enumerate(trainable):
        scale = p.get(f"layerScale{p['freezeLayers'] + i + 1}", 1)
        for q in block.parameters():
            if p["l2sp"] > 0:
                terms.append((q, q.detach().clone(), p["l2sp"] * scale))
            elif p["l2"] > 0:
                terms.append((q, None, p["l2"] * scale))
    if p["l2"] > 0:
        terms += [(q, None, p["l2"]) for q in model.head.parameters()]
    penalty = None
    if terms:
        def penalty():
            return sum(lam * ((q - a) ** 2 if a is not None else q ** 2).sum() for q, a, lam in terms)
    probe = None
    if p.get("probeEpochs", 0) > 0:
        probe = {"epochs": p["probeEpochs"], "groups": [{"params": list(model.head.parameters()), "lr": lr}]}
    return model, groups, penalty, probe


def feature_extraction(run, source, k):
    p = run["params"]
    hidden = len(source.blocks) - source.conv_count
    layer = p["layer"] if p["layer"] > 0 else hidden
    trunk = copy.deepcopy(source)
    for q in trunk.parameters():
        q.requires_grad_(False)
    width = trunk.blocks[source.conv_count + layer - 1][0].out_features
    if p["headHidden"] > 0:
        head = nn.Sequential(nn.Linear(width, p["headHidden"]), nn.ReLU(),
                             nn.Linear(p["headHidden"], out_units(k)))
    else:
        head = nn.Linear(width, out_units(k))
    model = Probe(trunk, source.conv_count + layer, head)
    lr = run["training"]["learningRate"] * p["learningRateScale"]
    return model, [{"params": list(head.parameters()), "lr": lr}]


def load_split(folder, arrays, split):
    if split is None:
        return None
    def load(key):
        entry = arrays[key]
        return np.fromfile(os.path.join(folder, entry["file"]), dtype=entry["dtype"]).reshape(entry["shape"])
    return torch.from_numpy(load(split["x"]).copy()), torch.from_numpy(load(split["y"]).astype(np.int64))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    folder = os.path.dirname(os.path.abspath(args.manifest))
    with open(args.manifest) as f:
        manifest = json.load(f)
    arrays = manifest["arrays"]
    sources = {}
    results = []
    runs = sorted(manifest["runs"], key=lambda r: (r["kind"] != "source", r["id"]))
    for n, run in enumerate(runs, 1):
        strategy = run["strategy"]
        if strategy not in SUPPORTED:
            results.append({"id": run["id"], "skipped": f"the reference has no {strategy}"})
            continue
        data = {name: load_split(folder, arrays, run["data"].get(name)) for name in ("train", "val", "test")}
        k = run["numClasses"]
        seed = run["seed"]
        torch.manual_seed(seed)
        probe = None
        penalty = None
        if strategy in ("source", "scratch"):
            model = fresh(run, k)
            groups = [{"params": list(model.parameters())}]
        else:
            source = sources.get(run["sourceRunId"])
            if source is None:
                results.append({"id": run["id"], "skipped": f"source run #{run['sourceRunId']} has no reference model"})
                continue
            if strategy == "fine-tune":
                model, groups, penalty, probe = fine_tune(run, source, k)
            else:
                model, groups = feature_extraction(run, source, k)
        final, history = train(model, data, k, run["training"], seed, groups, penalty, probe)
        if strategy == "source":
            sources[run["id"]] = model
        results.append({"id": run["id"], "final": final, "epochs": history})
        print(f"reference {n}/{len(runs)}: run #{run['id']} {strategy} seed {seed} "
              f"test_acc {final.get('test_acc', float('nan')):.4f}", file=sys.stderr, flush=True)
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "threads": args.threads, "runs": results}, f)


if __name__ == "__main__":
    main()
