namespace MesaLab.Transparency.Tests;

using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

public class ActivationCaptureTests
{
    public ActivationCaptureTests() => HandBuilt.Init();

    private static TorchSharp.Modules.Sequential Net()
    {
        manual_seed(3);
        return Sequential(
            ("conv", Conv2d(3, 4, 3, padding: 1)),
            ("relu", ReLU()),
            ("flat", Flatten()),
            ("fc", Linear(4 * 5 * 5, 4)));
    }

    [Fact]
    public void Capture_returns_the_same_activations_as_a_plain_forward_pass()
    {
        var net = Net();
        var network = InspectableNetwork.FromModule(net);
        Assert.Equal(["conv", "relu", "flat", "fc"], network.LayerNames);
        manual_seed(7);
        var x = randn(6, 3, 5, 5);
        using var cap = ActivationCapture.Capture(network, x);

        // Plain layer-by-layer forward pass with the same modules.
        var modules = net.named_children().ToDictionary(p => p.name, p => (Module<Tensor, Tensor>)p.module);
        var h = x;
        foreach (var name in network.LayerNames)
        {
            h = modules[name].forward(h);
            Assert.True(h.allclose(cap[name], rtol: 0, atol: 0), $"layer {name} differs");
        }
        Assert.True(net.forward(x).allclose(cap.Logits, rtol: 0, atol: 0));
        // Capturing removed its hooks: a later forward pass records nothing and is unchanged.
        Assert.True(net.forward(x).allclose(cap.Logits, rtol: 0, atol: 0));
    }

    [Fact]
    public void Nested_layers_are_named_by_path()
    {
        var net = new GoalSeeker(HandBuilt.Channels, HandBuilt.ExitChannel, 4, 4);
        var network = InspectableNetwork.FromModule(net);
        Assert.Equal(["goal", "agent", "head"], network.LayerNames);
        var outer = Sequential(("body", Net()));
        Assert.Contains("body.conv", InspectableNetwork.FromModule(outer).LayerNames);
    }

    [Fact]
    public void Unknown_layer_names_give_a_user_error_listing_the_layers()
    {
        var network = InspectableNetwork.FromModule(Net(), "run 3");
        var e = Assert.Throws<UserError>(() => ActivationCapture.Capture(network, randn(1, 3, 5, 5), ["conv", "conv9"]));
        Assert.Contains("'conv9'", e.Message);
        Assert.Contains("conv, relu, flat, fc", e.Message);
        Assert.Contains("run 3", e.Message);
    }
}

/// <summary>A network that reports its activations through one named hook, as MesaLab's ActorCritic does.</summary>
internal sealed class NamedHookNet : TorchSharp.torch.nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear a = TorchSharp.torch.nn.Linear(6, 5), b = TorchSharp.torch.nn.Linear(5, 4);
    public Func<string, Tensor, Tensor>? Hook;
    public NamedHookNet() : base("named") => RegisterComponents();
    private Tensor Named(string n, Tensor t) => Hook is null ? t : Hook(n, t);
    public override Tensor forward(Tensor x)
    {
        var h = Named("hidden", TorchSharp.torch.nn.functional.relu(a.call(x.flatten(1))));
        for (int i = 0; i < 2; i++) h = Named($"step.{i}", h * 0.5);
        return Named("logits", b.call(h));
    }
}

public class NamedActivationTests
{
    public NamedActivationTests() => HandBuilt.Init();

    [Fact]
    public void Named_activation_networks_are_captured_and_edited_like_module_networks()
    {
        manual_seed(1);
        var net = new NamedHookNet();
        var x = randn(5, 1, 2, 3);
        var network = InspectableNetwork.FromNamedActivations("named", h => net.Hook = h, net.call, x);
        Assert.Equal(["hidden", "step.0", "step.1", "logits"], network.LayerNames);
        using var cap = ActivationCapture.Capture(network, x);
        Assert.True((cap["step.1"] * 4).allclose(cap["hidden"]));
        Assert.True(cap.Logits.allclose(cap["logits"]));
        using (network.Edit("step.0", t => t * 0))
        {
            // Zeroing an intermediate activation leaves only the last layer's bias: every row is the same.
            var edited = network.ActionLogits(x);
            Assert.True(edited.allclose(edited[0].expand(5, 4)));
            Assert.False(edited.allclose(cap.Logits));
        }
        Assert.True(network.ActionLogits(x).allclose(cap.Logits));
        var e = Assert.Throws<UserError>(() => network.Edit("step.7", t => t));
        Assert.Contains("hidden, step.0, step.1, logits", e.Message);
    }
}
