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
