namespace MesaLab.Learning;

using static TorchSharp.torch;

/// <summary>
/// An edit of what a tied block re-reads at every iteration: from iteration <paramref name="FromIteration"/> (0-based) on,
/// the block's injected input is the embedding of <c>Edited(observations)</c> instead of the observations' own, while the
/// state it has computed so far is kept. With 0 the network simply sees the edited observation; with K (the iterations it
/// runs) nothing changes. Used to move the goal mid-computation and see whether the rest of the iterations follow it.
/// </summary>
/// <param name="Edited">Maps the batch of observations (B × C × H × W) being run to the edited ones (same shape).</param>
public sealed record IterationInputEdit(int FromIteration, Func<Tensor, Tensor> Edited);
