namespace MesaLab.Web;

using System.Collections.Concurrent;

/// <summary>
/// Values computed once per key and kept while the cache holds fewer than <paramref name="capacity"/> of them (then it
/// starts again): analyses and replayed episodes are slow to make and never change for the same stored ids.
/// </summary>
public sealed class BoundedCache<T>(int capacity)
{
    private readonly ConcurrentDictionary<string, Lazy<T>> values = new(StringComparer.Ordinal);

    public T Get(string key, Func<T> make)
    {
        if (values.Count >= capacity && !values.ContainsKey(key)) values.Clear();
        var lazy = values.GetOrAdd(key, _ => new Lazy<T>(make, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failure (e.g. a damaged record) is not kept: the next request tries again and reports it again.
            values.TryRemove(new KeyValuePair<string, Lazy<T>>(key, lazy));
            throw;
        }
    }
}
