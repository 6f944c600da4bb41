// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.IntegrationTests.Packaging;

/// <summary>
/// A web host run as a child process (<c>dotnet host.dll</c>) on a port Kestrel picks itself (<c>--urls https://127.0.0.1:0</c>):
/// its address is read from the "Now listening on" line it logs. Killed on dispose, or by a small shell when the test
/// process goes first.
/// </summary>
internal sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    /// <summary>The host's HTTPS address, once it listens.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the host wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="assemblyPath"/> in <paramref name="workingDirectory"/> (its content root) and waits until it listens.</summary>
    public static async Task<HostProcess> StartAsync(string assemblyPath, string workingDirectory, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(DotnetCommand.Executable)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(assemblyPath);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("https://127.0.0.1:0");
        DotnetCommand.PrepareEnvironment(info, environment);

        var process = new Process { StartInfo = info };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => host.Receive(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessWatchdog.StopWithThisProcess(process.Id); // the host must not outlive a killed test process

        try
        {
            var exited = process.WaitForExitAsync();
            var ready = Task.WhenAll(host._listening.Task, host._started.Task);
            var first = await Task.WhenAny(ready, exited, Task.Delay(timeout));
            if (first != ready)
            {
                var why = first == exited ? $"exited with code {process.ExitCode}" : $"did not start within {timeout.TotalSeconds:0} s";
                throw new InvalidOperationException($"The host {why}. Its output:\n{host.Log}");
            }

            host.BaseAddress = await host._listening.Task;
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It has gone already.
        }
        catch (TimeoutException)
        {
            // Killed; its output pipes may outlive it a little.
        }

        _process.Dispose();
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["address"].Value));
        }
        else if (line.Contains("Application started.", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    [GeneratedRegex(@"Now listening on: (?<address>https://\S+)")]
    private static partial Regex ListeningLine();
}
