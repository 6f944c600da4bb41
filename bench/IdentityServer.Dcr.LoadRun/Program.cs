// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.LoadRun;

// Two tools: the load run (default) and the fault run ('fault' first).
var fault = args.Length > 0 && args[0] == "fault";
LoadRunOptions? loadOptions = null;
FaultRunOptions? faultOptions = null;
try
{
    if (fault)
    {
        faultOptions = FaultRunOptions.Parse(args[1..]);
    }
    else
    {
        loadOptions = LoadRunOptions.Parse(args);
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    if (ex.Message.Length > 0)
    {
        Console.Error.WriteLine(ex.Message);
    }

    Console.Error.WriteLine(fault ? FaultRunOptions.Usage : LoadRunOptions.Usage);
    return 2;
}

// Bounded: the whole run stops by itself after two hours whatever happens.
using var cts = new CancellationTokenSource(TimeSpan.FromHours(2));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

if (faultOptions is not null)
{
    await using var faultRunner = new FaultRunner(faultOptions);
    return await faultRunner.RunAsync(cts.Token);
}

await using var runner = new Runner(loadOptions!);
return await runner.RunAsync(cts.Token);
