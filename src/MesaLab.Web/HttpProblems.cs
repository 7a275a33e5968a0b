namespace MesaLab.Web;

/// <summary>A request for something the store does not hold (an unknown run, evaluation, episode, study or asset): 404 with a JSON error.</summary>
public sealed class NotFound(string message) : Exception(message);

/// <summary>A request whose parameters are out of range: 400 with a JSON error naming the parameter and its allowed values.</summary>
public sealed class BadRequest(string message) : Exception(message);
