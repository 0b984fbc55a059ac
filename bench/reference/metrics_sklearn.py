"""Issue 20's reference: scikit-learn's metrics on the predictions rxtrain computed its own on.

Reads JSON from stdin: {"task": "binary" | "multiclass" | "regression", "y_true": [...], "y_pred":
[...]} (binary: probabilities of class 1; multiclass: rows of class probabilities; regression: rows
of outputs) and prints JSON {metric name: value} with the names rxtrain uses, plus, for
classification, "confusion_matrix" and "classification_report" (its output_dict form). Needs Debian's
python3-sklearn:

  echo '{"task": "binary", "y_true": [0, 1, 1], "y_pred": [0.2, 0.7, 0.4]}' | /usr/bin/python3 bench/reference/metrics_sklearn.py
"""
import json
import sys

import numpy as np
from sklearn import metrics as m
from sklearn.preprocessing import label_binarize


def classification(task, y_true, proba):
    y_true = np.asarray(y_true, dtype=int)
    if task == "binary":
        p1 = np.asarray(proba, dtype=np.float32)
        y_pred = (p1 > 0.5).astype(int)
        two = np.stack([1 - p1, p1], axis=1)
        out = {
            "precision": m.precision_score(y_true, y_pred, zero_division=0),
            "recall": m.recall_score(y_true, y_pred, zero_division=0),
            "f1": m.f1_score(y_true, y_pred, zero_division=0),
            "auc": m.roc_auc_score(y_true, p1),
            "pr_auc": m.average_precision_score(y_true, p1),
            "log_loss": m.log_loss(y_true, p1),
            "top1_accuracy": m.top_k_accuracy_score(y_true, p1, k=1),
        }
        classes = 2
    else:
        proba = np.asarray(proba, dtype=np.float32)
        classes = proba.shape[1]
        y_pred = proba.argmax(axis=1)
        onehot = label_binarize(y_true, classes=list(range(classes)))
        out = {
            "precision": m.precision_score(y_true, y_pred, average="macro", zero_division=0),
            "recall": m.recall_score(y_true, y_pred, average="macro", zero_division=0),
            "f1": m.f1_score(y_true, y_pred, average="macro", zero_division=0),
            "auc": m.roc_auc_score(y_true, proba, multi_class="ovr", average="macro"),
            "pr_auc": m.average_precision_score(onehot, proba, average="macro"),
            "log_loss": m.log_loss(y_true, proba, labels=list(range(classes))),
            "top2_accuracy": m.top_k_accuracy_score(y_true, proba, k=2, labels=list(range(classes))),
        }
        two = proba
    for avg in ("macro", "weighted"):
        out["precision_" + avg] = m.precision_score(y_true, y_pred, average=avg, zero_division=0)
        out["recall_" + avg] = m.recall_score(y_true, y_pred, average=avg, zero_division=0)
        out["f1_" + avg] = m.f1_score(y_true, y_pred, average=avg, zero_division=0)
    out["accuracy"] = m.accuracy_score(y_true, y_pred)
    out["confusion_matrix"] = m.confusion_matrix(y_true, y_pred, labels=list(range(classes))).tolist()
    out["classification_report"] = m.classification_report(
        y_true, y_pred, labels=list(range(classes)), output_dict=True, zero_division=0
    )
    return out


def regression(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float32).astype(np.float64)
    return {
        "mse": m.mean_squared_error(y_true, y_pred),
        "rmse": m.mean_squared_error(y_true, y_pred, squared=False),
        "mae": m.mean_absolute_error(y_true, y_pred),
        "r2": m.r2_score(y_true, y_pred),
        "mape": m.mean_absolute_percentage_error(y_true, y_pred),
    }


def main():
    req = json.load(sys.stdin)
    if req["task"] == "regression":
        out = regression(req["y_true"], req["y_pred"])
    else:
        out = classification(req["task"], req["y_true"], req["y_pred"])
    json.dump({k: (v if isinstance(v, (list, dict)) else float(v)) for k, v in out.items()}, sys.stdout)


if __name__ == "__main__":
    main()
