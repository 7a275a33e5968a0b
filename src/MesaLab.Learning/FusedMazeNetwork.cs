namespace MesaLab.Learning;

/// <summary>Placeholder.</summary>
public sealed class FusedMazeNetwork
{
}
