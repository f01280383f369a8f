"""`litterhub microplastics align`: the Koelmans et al. (2020) size-range correction factor."""

from __future__ import annotations

import json

import typer

from litterhub.analysis.microplastics.alignment import AlignmentError

group = typer.Typer(help="Microplastic size-range alignment (Koelmans et al. 2020; Kooi et al. 2021).",
                    no_args_is_help=True)


@group.command("align")
def align_cmd(
    alpha: float = typer.Option(..., "--alpha", help="power-law exponent of particle length"),
    measured: tuple[float, float] = typer.Option(..., "--measured", help="measured size range LOW HIGH in µm"),
    target: tuple[float, float] = typer.Option((1.0, 5000.0), "--target", help="target size range LOW HIGH in µm"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Print the factor that rescales a concentration from the measured to the target size range."""
    from litterhub.services.microplastics import alignment_factor

    try:
        out = alignment_factor(alpha, measured, target)
    except AlignmentError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(out))
    else:
        typer.echo(f"correction factor {out['correction_factor']:.6g} (alpha {alpha}, measured {measured[0]:g}–"
                   f"{measured[1]:g} µm → target {target[0]:g}–{target[1]:g} µm)")


@group.command("align-dataset")
def align_dataset_cmd(
    dataset: str = typer.Argument(..., help="dataset id"),
    alpha: float = typer.Option(..., "--alpha"),
    version: int | None = typer.Option(None, "--version", help="default: the current version"),
    target: tuple[float, float] = typer.Option((1.0, 5000.0), "--target", help="target size range LOW HIGH in µm"),
    as_json: bool = typer.Option(False, "--json"),
    data_dir: str | None = typer.Option(None, "--data-dir"),
) -> None:
    """Align every concentration of a dataset version to the target size range."""
    from litterhub.services.datasets import NotFound, get_dataset
    from litterhub.services.hub import Hub
    from litterhub.services.microplastics import align_dataset

    hub = Hub.open(data_dir)
    try:
        version = version or get_dataset(hub, dataset)["version"]
        out = align_dataset(hub, dataset, version, alpha, target)
    except (NotFound, AlignmentError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(out))
        return
    typer.echo(f"{out['n_aligned']} events aligned to {target[0]:g}–{target[1]:g} µm, {out['n_skipped']} skipped "
               "(no concentration or no lower size limit)")
    for item in out["items"][:20]:
        typer.echo(f"{item['event_id']}: {item['measured']:.6g} -> {item['aligned']:.6g} {item['unit']} "
                   f"(lower {item['lower_um']:g} µm)")


@group.command("alphas")
def alphas_cmd() -> None:
    """List the compartment exponents the hub knows, with their sources."""
    from litterhub.services.microplastics import alphas

    for a in alphas():
        typer.echo(f"{a['compartment']:38} {a['alpha']:<5} {a['source']}")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="microplastics")
