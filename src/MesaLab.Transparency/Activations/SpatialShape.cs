namespace MesaLab.Transparency;

/// <summary>How a spatial layer lays out one sample: channels before the grid (convolutions) or after it (MesaLab's maze network).</summary>
public enum GridLayout
{
    /// <summary>C × H × W.</summary>
    ChannelsFirst,
    /// <summary>H × W × C.</summary>
    ChannelsLast,
}

/// <summary>
/// A spatial layer's sample shape on a canvas: a map per channel over the canvas cells, and where cell (x, y) of channel c
/// sits in the flattened sample.
/// </summary>
public sealed record SpatialShape(int Channels, int Height, int Width, GridLayout Layout)
{
    /// <summary>Values in one flattened sample.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Flat index of channel <paramref name="channel"/> at canvas cell (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public int Index(int x, int y, int channel) =>
        Layout == GridLayout.ChannelsLast ? (y * Width + x) * Channels + channel : (channel * Height + y) * Width + x;

    /// <summary>The spatial shape of a layer whose sample shape is <paramref name="sampleShape"/>, or null when it is not a map over the canvas.</summary>
    public static SpatialShape? Of(IReadOnlyList<long> sampleShape, int canvasWidth, int canvasHeight, GridLayout layout)
    {
        if (sampleShape.Count != 3) return null;
        return layout == GridLayout.ChannelsLast
            ? sampleShape[0] == canvasHeight && sampleShape[1] == canvasWidth ? new SpatialShape((int)sampleShape[2], canvasHeight, canvasWidth, layout) : null
            : sampleShape[1] == canvasHeight && sampleShape[2] == canvasWidth ? new SpatialShape((int)sampleShape[0], canvasHeight, canvasWidth, layout) : null;
    }
}
