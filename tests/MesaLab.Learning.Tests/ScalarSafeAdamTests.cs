namespace MesaLab.Learning.Tests;

using TorchSharp;
using static TorchSharp.torch;

/// <summary>ScalarSafeAdam is a drop-in for TorchSharp's Adam: the same parameters after the same steps, to the bit.</summary>
[Collection("torch")]
public sealed class ScalarSafeAdamTests
{
    public ScalarSafeAdamTests() => TorchSetup.SetThreads(1);

    private static nn.Module<Tensor, Tensor> Net(long seed)
    {
        random.manual_seed(seed);
        return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3));
    }

    [Fact]
    public void Gives_the_same_parameters_as_torch_adam_step_for_step()
    {
        using var a = Net(11);
        using var b = Net(11);
        using var torchAdam = optim.Adam(a.parameters(), 3e-3);
        using var safeAdam = new ScalarSafeAdam(b.parameters(), 3e-3);
        random.manual_seed(3);
        using var x = randn(32, 5);
        using var y = randint(0, 3, [32]);
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            torchAdam.zero_grad();
            nn.functional.cross_entropy(a.forward(x), y).backward();
            torchAdam.step();
            b.zero_grad();
            nn.functional.cross_entropy(b.forward(x), y).backward();
            safeAdam.Step();
        }
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        Assert.Equal(pa.Count, pb.Count);
        for (int i = 0; i < pa.Count; i++)
            Assert.Equal(pa[i].data<float>().ToArray(), pb[i].data<float>().ToArray());
        // And it did move them (25 steps of 3e-3 from the same start).
        using var fresh = Net(11);
        Assert.NotEqual(fresh.parameters().First().data<float>().ToArray(), pb[0].data<float>().ToArray());
    }

    /// <summary>The C# step on gradients given as arrays (the fused path's) follows torch's Adam step for step.</summary>
    [Fact]
    public void Steps_on_gradient_arrays_like_torch_adam()
    {
        using var a = Net(12);
        using var b = Net(12);
        using var torchAdam = optim.Adam(a.parameters(), 3e-3);
        using var safeAdam = new ScalarSafeAdam(b.parameters(), 3e-3);
        random.manual_seed(4);
        using var x = randn(32, 5);
        using var y = randint(0, 3, [32]);
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            torchAdam.zero_grad();
            nn.functional.cross_entropy(a.forward(x), y).backward();
            torchAdam.step();
            b.zero_grad();
            nn.functional.cross_entropy(b.forward(x), y).backward();
            safeAdam.Step(b.parameters().Select(p => p.grad!.data<float>().ToArray()).ToList());
        }
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        for (int i = 0; i < pa.Count; i++)
        {
            var ea = pa[i].data<float>().ToArray();
            var eb = pb[i].data<float>().ToArray();
            for (int k = 0; k < ea.Length; k++) Assert.True(Math.Abs(ea[k] - eb[k]) <= 1e-6, $"parameter {i}[{k}]: torch {ea[k]}, C# {eb[k]}");
        }
        Assert.Equal(25, safeAdam.Steps);
        using var fresh = Net(12);
        Assert.NotEqual(fresh.parameters().First().data<float>().ToArray(), pb[0].data<float>().ToArray());
    }
}
