namespace MesaLab.Learning.Tests;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>The build's libstdc++ fix lets TorchSharp load and learn on this Debian 12 machine.</summary>
/// <remarks>In the torch collection: its manual_seed and weight initialization draw from torch's global generator, and run
/// in parallel they interleaved with another test's network initialization (a resume test then saw two different starts).</remarks>
[Collection("torch")]
public class TorchLoadTests
{
    [Fact]
    public void TorchSharpLoadsAndATwoLayerNetworkLearnsXor()
    {
        torch.manual_seed(1);
        MesaLab.Learning.TorchSetup.SetThreads(1);
        var net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1));
        var opt = optim.Adam(net.parameters(), 0.05);
        using var x = tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, new long[] { 4, 2 });
        using var y = tensor(new float[] { 0, 1, 1, 0 }, new long[] { 4, 1 });
        float first = 0, last = 0;
        for (int i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var loss = nn.functional.mse_loss(net.call(x), y);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 10, $"loss went from {first} to {last}");
    }
}
