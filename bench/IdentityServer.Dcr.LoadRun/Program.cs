// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.LoadRun;

LoadRunOptions options;
try
{
    options = LoadRunOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    if (ex.Message.Length > 0)
    {
        Console.Error.WriteLine(ex.Message);
    }

    Console.Error.WriteLine(LoadRunOptions.Usage);
    return 2;
}

// Bounded: the whole run stops by itself after two hours whatever happens.
using var cts = new CancellationTokenSource(TimeSpan.FromHours(2));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

await using var runner = new Runner(options);
return await runner.RunAsync(cts.Token);
