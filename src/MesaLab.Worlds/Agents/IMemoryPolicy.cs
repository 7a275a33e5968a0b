namespace MesaLab.Worlds;

/// <summary>
/// A policy with memory across steps (a recurrent network, a scripted agent that remembers): whoever runs it can keep
/// that memory across the episodes of a trial and decide when it is forgotten.
/// </summary>
public interface IMemoryPolicy : IPolicy
{
    /// <summary>Whether the policy forgets by itself whenever an instance starts an episode (true unless a trial runner turns it off).</summary>
    bool ForgetsAtEpisodeStart { get; set; }

    /// <summary>Clears what the policy remembers about instance <paramref name="instance"/>.</summary>
    void Forget(int instance);
}
