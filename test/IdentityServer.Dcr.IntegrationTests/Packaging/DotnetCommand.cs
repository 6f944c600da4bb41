// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;

namespace IdentityServer.Dcr.IntegrationTests.Packaging;

/// <summary>
/// Runs the dotnet CLI from a test the way a developer would from a shell: the MSBuild variables that <c>dotnet test</c>
/// leaves in the test host's environment are removed, and the output is kept for the failure message.
/// </summary>
internal static class DotnetCommand
{
    /// <summary>The dotnet host: the one running the tests when it is a dotnet host, otherwise dotnet from the PATH.</summary>
    public static string Executable { get; } = FindExecutable();

    /// <summary>The environment of a child dotnet process, with <paramref name="overrides"/> applied (a null value removes the variable).</summary>
    public static void PrepareEnvironment(ProcessStartInfo info, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        foreach (var name in info.Environment.Keys.ToList())
        {
            // MSBuildExtensionsPath, MSBuildSDKsPath, MSBUILD_EXE_PATH, MSBUILDNOINPROCNODE...: they belong to the build
            // that started the tests, not to the one started here.
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
    }

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> and returns its output; throws with the output when it fails or times out.</summary>
    public static async Task<string> RunAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        PrepareEnvironment(info, environment);
        var commandLine = "dotnet " + string.Join(' ', info.ArgumentList);
        var output = new StringBuilder();
        var outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data, errorClosed);
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Wait for the process, then for the end of its output only briefly: a build server it started may hold the
        // pipes open long after it exited.
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        var exited = await Task.Run(() => process.WaitForExit(limit));
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{commandLine}' did not finish within {limit.TotalSeconds:0} s:\n{Text(output)}");
        }

        await Task.WhenAny(Task.WhenAll(outputClosed.Task, errorClosed.Task), Task.Delay(TimeSpan.FromSeconds(5)));

        await TestContext.Progress.WriteLineAsync($"'{commandLine}' took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{commandLine}' (in {workingDirectory}) exited with code {process.ExitCode}:\n{Text(output)}");
        }

        return Text(output);
    }

    private static void Append(StringBuilder output, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string FindExecutable()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var fromRoot = root is null ? null : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return fromRoot is not null && File.Exists(fromRoot) ? fromRoot : "dotnet";
    }
}
