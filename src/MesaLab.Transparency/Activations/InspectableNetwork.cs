namespace MesaLab.Transparency;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A policy network seen from the inside: the module whose named submodules are its layers, and how
/// to compute action logits from a batch of observations. Any <c>Module&lt;Tensor,Tensor&gt;</c> built from
/// named submodules (an <c>nn.Sequential</c> with names, or a custom module with
/// <c>RegisterComponents()</c>) works, provided its forward pass calls each layer with <c>.call(x)</c>
/// (which runs forward hooks) rather than <c>.forward(x)</c>.
/// </summary>
public sealed class InspectableNetwork
{
    private readonly Func<Tensor, Tensor> actionLogits;
    private readonly List<(string Name, nn.Module<Tensor, Tensor> Module)> layers;

    /// <param name="root">The network; its named submodules of type <c>Module&lt;Tensor,Tensor&gt;</c> are the layers.</param>
    /// <param name="actionLogits">Observations [N, C, H, W] → action logits [N, 4]; must run <paramref name="root"/>'s layers.</param>
    /// <param name="name">A short name for errors and reports, e.g. <c>run 12</c>.</param>
    public InspectableNetwork(nn.Module root, Func<Tensor, Tensor> actionLogits, string name = "network")
    {
        Root = root;
        Name = name;
        this.actionLogits = actionLogits;
        layers = [.. root.named_modules()
            .Where(p => p.name.Length > 0 && p.module is nn.Module<Tensor, Tensor>)
            .Select(p => (p.name, (nn.Module<Tensor, Tensor>)p.module))];
        if (layers.Count == 0)
            throw new ArgumentException($"{name} has no named Module<Tensor,Tensor> submodules to inspect.", nameof(root));
    }

    /// <summary>A network whose output is the action logits.</summary>
    public static InspectableNetwork FromModule(nn.Module<Tensor, Tensor> module, string name = "network") =>
        new(module, x => module.call(x), name);

    public nn.Module Root { get; }
    public string Name { get; }

    /// <summary>Every inspectable layer, in registration order (nested layers as <c>body.conv1</c>).</summary>
    public IReadOnlyList<string> LayerNames => [.. layers.Select(l => l.Name)];

    /// <summary>The layer called <paramref name="layer"/>, or a <see cref="UserError"/> listing the layers.</summary>
    public nn.Module<Tensor, Tensor> Layer(string layer)
    {
        foreach (var (n, m) in layers) if (n == layer) return m;
        throw new UserError($"{Name} has no layer '{layer}'; its layers are {string.Join(", ", LayerNames)}.");
    }

    /// <summary>Validates a list of layer names (null or empty = every layer).</summary>
    public IReadOnlyList<string> ResolveLayers(IEnumerable<string>? names)
    {
        var list = names?.ToList();
        if (list is null || list.Count == 0) return LayerNames;
        foreach (var n in list) Layer(n);
        return list;
    }

    /// <summary>Action logits [N, 4] for observations [N, C, H, W] (no gradient bookkeeping is changed).</summary>
    public Tensor ActionLogits(Tensor observations) => actionLogits(observations);

    /// <summary>Action probabilities [N, 4] without gradients.</summary>
    public Tensor ActionProbabilities(Tensor observations)
    {
        using var _ = no_grad();
        return nn.functional.softmax(actionLogits(observations), 1);
    }

    /// <summary>
    /// Replaces <paramref name="layer"/>'s output with <c>edit(output)</c> on every forward pass until the
    /// returned handle is disposed. The edit sees the whole batch ([N, ...]).
    /// </summary>
    public IDisposable Edit(string layer, Func<Tensor, Tensor> edit)
    {
        var module = Layer(layer);
        var remover = module.register_forward_hook((_, _, output) => edit(output));
        return new Hook(remover.remove);
    }

    /// <summary>Calls <paramref name="observe"/> with <paramref name="layer"/>'s output on every forward pass until disposed.</summary>
    public IDisposable Observe(string layer, Action<Tensor> observe)
    {
        var module = Layer(layer);
        var remover = module.register_forward_hook((_, _, output) => { observe(output); return null!; });
        return new Hook(remover.remove);
    }

    private sealed class Hook(Action remove) : IDisposable
    {
        private bool done;
        public void Dispose()
        {
            if (done) return;
            done = true;
            remove();
        }
    }
}
