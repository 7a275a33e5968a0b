namespace MesaLab.Transparency.Tests;

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

public class AttributionTests
{
    public AttributionTests() => HandBuilt.Init();

    [Fact]
    public void Attribution_of_a_network_that_reads_one_channel_is_zero_on_the_others()
    {
        const int channels = 8, side = 5, read = 2;
        manual_seed(9);
        // Linear layers, like MesaLab's own networks: Conv2d's gradient with respect to its input came back with
        // sporadic NaNs in this libtorch CPU build (about 1 run in 100 of this exact computation, single-threaded).
        var net = Sequential(("flat", Flatten()), ("hidden", Linear(channels * side * side, 16)), ("relu", ReLU()), ("fc", Linear(16, 4)));
        using (no_grad())
        {
            var w = net.named_parameters().First(p => p.name == "hidden.weight").parameter;
            for (int c = 0; c < channels; c++)
                if (c != read) w[TensorIndex.Colon, TensorIndex.Slice(c * side * side, (c + 1) * side * side)].zero_();
        }
        var network = InspectableNetwork.FromModule(net);
        var x = (rand(3, channels, side, side) > 0.5).to(ScalarType.Float32);

        var gxi = InputAttribution.GradientTimesInput(network, x);
        for (int i = 0; i < 3; i++)
        {
            var totals = InputAttribution.ChannelTotals(gxi.AsSpan(i * channels * side * side, channels * side * side).ToArray(), channels);
            for (int c = 0; c < channels; c++)
                if (c == read) Assert.True(totals[c] > 0); else Assert.Equal(0, totals[c]);
        }

        var occ = InputAttribution.Occlusion(network, x[0]);
        var occTotals = InputAttribution.ChannelTotals(occ, channels);
        for (int c = 0; c < channels; c++)
            // Occluding an unread input changes only the rounding of the first layer's matrix product.
            if (c == read) Assert.True(occTotals[c] > 1e-2); else Assert.InRange(occTotals[c], 0, 1e-4);
    }
}
