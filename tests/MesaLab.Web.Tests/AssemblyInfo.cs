// The fixture trains one tiny run with torch; the browser and API tests share it and its server.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
