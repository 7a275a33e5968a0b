namespace MesaLab.Transparency;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A policy network seen from the inside: named layers (activation sites) whose outputs can be observed or edited
/// during the forward pass, and how to compute action logits from a batch of observations. Two kinds of network work:
/// <list type="bullet">
/// <item>any <c>Module&lt;Tensor,Tensor&gt;</c> built from named submodules (an <c>nn.Sequential</c> with names, or a custom
/// module with <c>RegisterComponents()</c>) whose forward pass calls each layer with <c>.call(x)</c> — forward hooks do the work;</item>
/// <item>a network that reports named activations itself through one hook <c>(name, activation) → activation</c>
/// (MesaLab's <c>ActorCritic</c>: <c>body.stem</c>, <c>body.step.K</c>, <c>body.features</c>, <c>policy</c>, …).</item>
/// </list>
/// </summary>
public sealed class InspectableNetwork
{
    private readonly Func<Tensor, Tensor> actionLogits;
    private readonly IReadOnlyList<string> layerNames;
    private readonly Func<string, Func<Tensor, Tensor>, IDisposable> register;

    private InspectableNetwork(string name, IReadOnlyList<string> layers, Func<Tensor, Tensor> actionLogits, Func<string, Func<Tensor, Tensor>, IDisposable> register)
    {
        Name = name;
        layerNames = layers;
        this.actionLogits = actionLogits;
        this.register = register;
        if (layers.Count == 0) throw new ArgumentException($"{name} has no named layers to inspect.", nameof(layers));
    }

    /// <param name="root">The network; its named submodules of type <c>Module&lt;Tensor,Tensor&gt;</c> are the layers.</param>
    /// <param name="actionLogits">Observations [N, C, H, W] → action logits [N, 4]; must run <paramref name="root"/>'s layers.</param>
    /// <param name="name">A short name for errors and reports, e.g. <c>run 12</c>.</param>
    public static InspectableNetwork FromModules(nn.Module root, Func<Tensor, Tensor> actionLogits, string name = "network")
    {
        var modules = root.named_modules()
            .Where(p => p.name.Length > 0 && p.module is nn.Module<Tensor, Tensor>)
            .ToDictionary(p => p.name, p => (nn.Module<Tensor, Tensor>)p.module);
        var names = root.named_modules().Where(p => modules.ContainsKey(p.name)).Select(p => p.name).ToList();
        return new InspectableNetwork(name, names, actionLogits, (layer, edit) =>
        {
            var remover = modules[layer].register_forward_hook((_, _, output) => edit(output));
            return new Hook(remover.remove);
        });
    }

    /// <summary>A module whose output is the action logits.</summary>
    public static InspectableNetwork FromModule(nn.Module<Tensor, Tensor> module, string name = "network") =>
        FromModules(module, x => module.call(x), name);

    /// <summary>
    /// A network that reports named activations through a single hook it calls as <c>activation = hook(name, activation)</c>.
    /// <paramref name="setHook"/> installs (or, with null, removes) that hook; the layer names are discovered by running
    /// <paramref name="sampleObservations"/> through the network once (they may depend on the canvas size).
    /// </summary>
    public static InspectableNetwork FromNamedActivations(string name, Action<Func<string, Tensor, Tensor>?> setHook,
        Func<Tensor, Tensor> actionLogits, Tensor sampleObservations)
    {
        var seen = new List<string>();
        setHook((n, t) => { if (!seen.Contains(n)) seen.Add(n); return t; });
        using (var scope = NewDisposeScope())
        using (no_grad())
            actionLogits(sampleObservations);
        var edits = new Dictionary<string, List<Func<Tensor, Tensor>>>();
        setHook((n, t) =>
        {
            if (!edits.TryGetValue(n, out var list)) return t;
            foreach (var e in list.ToArray()) t = e(t);
            return t;
        });
        return new InspectableNetwork(name, seen, actionLogits, (layer, edit) =>
        {
            if (!edits.TryGetValue(layer, out var list)) edits[layer] = list = [];
            list.Add(edit);
            return new Hook(() => list.Remove(edit));
        });
    }

    public string Name { get; }

    /// <summary>Every inspectable layer, in order (nested module layers as <c>body.conv1</c>).</summary>
    public IReadOnlyList<string> LayerNames => layerNames;

    /// <summary>Checks that <paramref name="layer"/> exists; otherwise a <see cref="UserError"/> listing the layers.</summary>
    public string Layer(string layer)
    {
        if (layerNames.Contains(layer)) return layer;
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

    /// <summary>Action logits [N, 4] for observations [N, C, H, W].</summary>
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
    public IDisposable Edit(string layer, Func<Tensor, Tensor> edit) => register(Layer(layer), edit);

    /// <summary>Calls <paramref name="observe"/> with <paramref name="layer"/>'s output on every forward pass until disposed.</summary>
    public IDisposable Observe(string layer, Action<Tensor> observe) => register(Layer(layer), output => { observe(output); return output; });

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
