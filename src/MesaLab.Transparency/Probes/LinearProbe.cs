namespace MesaLab.Transparency;

using MesaLab.Learning;
using MesaLab.Worlds;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>What a probe measured on held-out samples.</summary>
/// <param name="Score">Held-out accuracy (classifier) or R² (ridge).</param>
/// <param name="Chance">Accuracy of always guessing the most common training class (classifier), 0 for R².</param>
/// <param name="TrainSamples">Samples the probe was fitted on.</param>
/// <param name="TestSamples">Held-out samples it was scored on.</param>
public sealed record ProbeScore(double Score, double Chance, int TrainSamples, int TestSamples);

/// <summary>
/// A fitted linear probe on one layer: multinomial logistic regression for classes (positions, moves) or ridge
/// regression for scalars, on standardized (and, for wide layers, PCA-reduced) activations, scored on held-out rows.
/// </summary>
public sealed class LinearProbe
{
    private readonly ProbeFeatures features;
    private readonly float[] weights; // outputs × reduced
    private readonly float[] bias;    // outputs

    private LinearProbe(ProbeFeatures features, int outputs, float[] weights, float[] bias, ProbeScore score)
    {
        this.features = features;
        Outputs = outputs;
        this.weights = weights;
        this.bias = bias;
        Score = score;
    }

    public int Features => features.Features;

    /// <summary>Number of classes (classifier) or 1 (ridge).</summary>
    public int Outputs { get; }

    public bool IsClassifier => Outputs > 1;
    public ProbeScore Score { get; }

    /// <summary>Probe outputs (logits or the scalar) for every row of raw activations, row-major [rows × outputs].</summary>
    public float[] Apply(FeatureMatrix x)
    {
        if (x.Columns != Features) throw new ArgumentException($"probe expects {Features} features, got {x.Columns}.", nameof(x));
        using var scope = NewDisposeScope();
        var z = (tensor(x.Data, [x.Rows, x.Columns]) - tensor(features.Mean)) / tensor(features.Scale);
        if (features.Basis is not null) z = z.matmul(tensor(features.Basis, [Features, features.Reduced]));
        return Linear(z).contiguous().data<float>().ToArray();
    }

    private Tensor Linear(Tensor reducedRows) => TorchScalars.Plus(reducedRows.matmul(tensor(weights, [Outputs, features.Reduced]).t()), tensor(bias));

    /// <summary>The predicted class of each held-out row of the features it was fitted on, in <see cref="ProbeFeatures.Test"/> order.</summary>
    public int[] PredictHeldOut()
    {
        using var scope = NewDisposeScope();
        return ArgMaxRows(Linear(tensor(features.TestRows, [features.Test.Length, features.Reduced])).contiguous().data<float>().ToArray(), features.Test.Length, Outputs);
    }

    /// <summary>The predicted class of every row (classifier).</summary>
    public int[] Predict(FeatureMatrix x) => ArgMaxRows(Apply(x), x.Rows, Outputs);

    private static int[] ArgMaxRows(float[] logits, int rows, int outputs)
    {
        var p = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            int best = 0;
            for (int k = 1; k < outputs; k++) if (logits[i * outputs + k] > logits[i * outputs + best]) best = k;
            p[i] = best;
        }
        return p;
    }

    /// <summary>
    /// The gradient of output <paramref name="output"/> with respect to the raw activations: the direction in which
    /// that class's logit (or the scalar) grows.
    /// </summary>
    public float[] Direction(int output)
    {
        int k = features.Reduced, d = Features;
        var dir = new float[d];
        var basis = features.Basis;
        for (int f = 0; f < d; f++)
        {
            double s = 0;
            if (basis is null) s = weights[output * k + f];
            else for (int j = 0; j < k; j++) s += basis[f * k + j] * weights[output * k + j];
            dir[f] = (float)(s / features.Scale[f]);
        }
        return dir;
    }

    /// <summary>
    /// The seeded train/test split used by every probe with these settings: (train rows, test rows). With
    /// <paramref name="groups"/> (e.g. the level each state comes from) whole groups are held out, so a probe cannot score
    /// by recognizing a level it saw in training.
    /// </summary>
    public static (int[] Train, int[] Test) SplitRows(int rows, ProbeSettings settings, IReadOnlyList<long>? groups = null)
    {
        if (groups is not null && groups.Count != rows) throw new ArgumentException("one group per row is required.", nameof(groups));
        var keys = groups is null ? Enumerable.Range(0, rows).Select(i => (long)i).ToArray() : groups.Distinct().ToArray();
        var rng = new Rng(settings.Seed ^ 0x5EED_0F_90BEUL);
        for (int i = keys.Length - 1; i > 0; i--) { int j = rng.Next(i + 1); (keys[i], keys[j]) = (keys[j], keys[i]); }
        if (keys.Length < 2) throw new UserError($"a probe needs samples from at least 2 levels to hold one out; got {keys.Length}.");
        int testKeys = Math.Clamp((int)Math.Round(keys.Length * settings.TestFraction), 1, keys.Length - 1);
        var held = keys.Take(testKeys).ToHashSet();
        var order = keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i);
        var all = Enumerable.Range(0, rows).OrderBy(r => order[groups is null ? r : groups[r]]).ThenBy(r => r).ToArray();
        return ([.. all.Where(r => !held.Contains(groups is null ? r : groups[r]))], [.. all.Where(r => held.Contains(groups is null ? r : groups[r]))]);
    }

    public static LinearProbe FitClassifier(FeatureMatrix x, int[] labels, int classes, ProbeSettings settings, bool shuffleLabels = false) =>
        FitClassifier(ProbeFeatures.Prepare(x, settings), labels, classes, settings, shuffleLabels);

    /// <summary>
    /// Multinomial logistic regression of <paramref name="labels"/> (0..classes−1, one per row of the original matrix), fitted
    /// on the training rows by full-batch Adam and scored by held-out accuracy. <paramref name="shuffleLabels"/> permutes the
    /// training labels (the control: a probe that can memorize noise is not evidence of a representation).
    /// </summary>
    public static LinearProbe FitClassifier(ProbeFeatures x, int[] labels, int classes, ProbeSettings settings, bool shuffleLabels = false)
    {
        if (classes < 2) throw new ArgumentException("a classifier needs at least two classes.", nameof(classes));
        if (labels.Any(l => l < 0 || l >= classes)) throw new ArgumentException($"labels must lie in 0..{classes - 1}.", nameof(labels));
        var trainLabels = x.Train.Select(i => labels[i]).ToArray();
        if (shuffleLabels) Shuffle(trainLabels, settings.Seed ^ 0xC0117201UL);
        int k = x.Reduced;
        float[] w, b, testLogits;
        using (var scope = NewDisposeScope())
        {
            var X = tensor(x.TrainRows, [x.Train.Length, k]);
            var Y = tensor(trainLabels.Select(l => (long)l).ToArray());
            var W = new TorchSharp.Modules.Parameter(zeros(classes, k));
            var B = new TorchSharp.Modules.Parameter(zeros(classes));
            // ScalarSafeAdam, no tensor '+' and a long-lived decay Scalar: no temporary Scalar a collection could free mid-call.
            using var opt = new ScalarSafeAdam([W, B], settings.LearningRate);
            using var decay = settings.WeightDecay.ToScalar();
            for (int it = 0; it < settings.Iterations; it++)
            {
                using var step = NewDisposeScope();
                W.grad?.zero_();
                B.grad?.zero_();
                var loss = TorchScalars.Plus(nn.functional.cross_entropy(TorchScalars.Plus(X.matmul(W.t()), B), Y), (W * W).sum() * decay);
                loss.backward();
                opt.Step();
            }
            w = W.detach().contiguous().data<float>().ToArray();
            b = B.detach().contiguous().data<float>().ToArray();
            using var _ = no_grad();
            testLogits = TorchScalars.Plus(tensor(x.TestRows, [x.Test.Length, k]).matmul(W.t()), B).contiguous().data<float>().ToArray();
        }
        var pred = ArgMaxRows(testLogits, x.Test.Length, classes);
        double acc = x.Test.Where((row, i) => pred[i] == labels[row]).Count() / (double)x.Test.Length;
        int majority = trainLabels.GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        double chance = x.Test.Count(row => labels[row] == majority) / (double)x.Test.Length;
        return new LinearProbe(x, classes, w, b, new ProbeScore(acc, chance, x.Train.Length, x.Test.Length));
    }

    public static LinearProbe FitRidge(FeatureMatrix x, float[] targets, ProbeSettings settings, bool shuffleLabels = false) =>
        FitRidge(ProbeFeatures.Prepare(x, settings), targets, settings, shuffleLabels);

    /// <summary>Ridge regression of a scalar (one per row of the original matrix), in closed form, scored by held-out R².</summary>
    public static LinearProbe FitRidge(ProbeFeatures x, float[] targets, ProbeSettings settings, bool shuffleLabels = false)
    {
        var trainY = x.Train.Select(i => targets[i]).ToArray();
        if (shuffleLabels) Shuffle(trainY, settings.Seed ^ 0xC0117201UL);
        float yMean = trainY.Average();
        int k = x.Reduced;
        float[] w, pred;
        using (var scope = NewDisposeScope())
        {
            var X = tensor(x.TrainRows, [x.Train.Length, k]).to(ScalarType.Float64);
            var Y = tensor(trainY.Select(v => (double)(v - yMean)).ToArray(), [x.Train.Length, 1]);
            using var lambda = (settings.RidgeLambda * x.Train.Length).ToScalar();
            using var mean = ((double)yMean).ToScalar();
            var A = TorchScalars.Plus(X.t().matmul(X), eye(k, dtype: ScalarType.Float64) * lambda);
            var sol = linalg.solve(A, X.t().matmul(Y));
            w = sol.reshape(k).to(ScalarType.Float32).contiguous().data<float>().ToArray();
            pred = TorchScalars.Plus(tensor(x.TestRows, [x.Test.Length, k]).to(ScalarType.Float64).matmul(sol), mean).reshape(-1).to(ScalarType.Float32).data<float>().ToArray();
        }
        double testMean = x.Test.Average(r => (double)targets[r]);
        double sse = 0, sst = 0;
        for (int i = 0; i < x.Test.Length; i++)
        {
            double y = targets[x.Test[i]];
            sse += (y - pred[i]) * (y - pred[i]);
            sst += (y - testMean) * (y - testMean);
        }
        double r2 = sst > 0 ? 1 - sse / sst : 0;
        return new LinearProbe(x, 1, w, [yMean], new ProbeScore(r2, 0, x.Train.Length, x.Test.Length));
    }

    private static void Shuffle<T>(T[] a, ulong seed)
    {
        var rng = new Rng(seed);
        for (int i = a.Length - 1; i > 0; i--) { int j = rng.Next(i + 1); (a[i], a[j]) = (a[j], a[i]); }
    }
}
