namespace MesaLab.Transparency;

/// <summary>A dense row-major matrix of samples × features (one layer's flattened activations).</summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(float[] data, int rows, int columns)
    {
        if (data.Length != (long)rows * columns)
            throw new ArgumentException($"expected {rows}×{columns} = {(long)rows * columns} values, got {data.Length}.", nameof(data));
        Data = data;
        Rows = rows;
        Columns = columns;
    }

    public float[] Data { get; }
    public int Rows { get; }
    public int Columns { get; }

    public ReadOnlySpan<float> Row(int r) => Data.AsSpan(r * Columns, Columns);

    /// <summary>The rows listed, in that order.</summary>
    public FeatureMatrix Select(IReadOnlyList<int> rows)
    {
        var d = new float[rows.Count * Columns];
        for (int i = 0; i < rows.Count; i++) Row(rows[i]).CopyTo(d.AsSpan(i * Columns, Columns));
        return new FeatureMatrix(d, rows.Count, Columns);
    }

    /// <summary>One layer's activation tensor [N, ...] as a matrix.</summary>
    public static FeatureMatrix FromTensor(TorchSharp.torch.Tensor activation)
    {
        var data = ActivationCapture.Flatten(activation, out int d);
        return new FeatureMatrix(data, (int)activation.shape[0], d);
    }
}
