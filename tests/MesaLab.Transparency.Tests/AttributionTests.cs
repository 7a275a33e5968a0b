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
        var net = Sequential(("conv", Conv2d(channels, 4, 3, padding: 1)), ("relu", ReLU()), ("flat", Flatten()), ("fc", Linear(4 * side * side, 4)));
        using (no_grad())
        {
            var w = net.named_parameters().First(p => p.name == "conv.weight").parameter;
            for (int c = 0; c < channels; c++) if (c != read) w[TensorIndex.Colon, c].zero_();
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
            if (c == read) Assert.True(occTotals[c] > 0); else Assert.Equal(0, occTotals[c]);
    }
}
