// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Testing.Browser;

/// <summary>
/// The Chromium browser and the chromedriver that <see cref="BrowserSession"/> uses, both found on this machine:
/// nothing is ever downloaded (see <see cref="Locate"/>).
/// </summary>
public sealed class BrowserInstallation
{
    /// <summary>Environment variable naming the Chromium executable, overriding the search.</summary>
    public const string ChromiumVariable = "DCR_TEST_CHROMIUM";

    /// <summary>Environment variable naming the chromedriver executable, overriding the search.</summary>
    public const string ChromeDriverVariable = "DCR_TEST_CHROMEDRIVER";

    /// <summary>
    /// Environment variable that, set to <c>1</c> (or <c>true</c>), turns a missing browser into an ignored test
    /// instead of a failure. CI installs the browser, so there a missing one is a setup error.
    /// </summary>
    public const string OptionalVariable = "DCR_TEST_BROWSER_OPTIONAL";

    /// <summary>How to install what is missing, repeated in every message about it.</summary>
    public const string InstallHint =
        "Install Debian's packages (`apt-get install chromium chromium-driver`; .ci/run does it), or name the "
        + "executables with " + ChromiumVariable + " and " + ChromeDriverVariable + ", or set "
        + OptionalVariable + "=1 to skip the browser tests on this machine.";

    // Debian's /usr/bin/chromium is a shell wrapper (it sources /etc/chromium.d, which adds flags and, on some
    // machines, prints shell errors); the real binary is behind it. Upstream and other distributions' names follow.
    private static readonly string[] ChromiumCandidates =
        ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/lib/chromium-browser/chromium-browser"];

    private static readonly string[] ChromiumNames = ["chromium", "chromium-browser", "google-chrome", "chrome"];

    private static readonly string[] ChromeDriverCandidates =
        ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver", "/usr/lib/chromium-browser/chromedriver"];

    private BrowserInstallation(string chromiumPath, string chromeDriverPath)
    {
        ChromiumPath = chromiumPath;
        ChromeDriverPath = chromeDriverPath;
    }

    /// <summary>The Chromium executable (<c>ChromeOptions.BinaryLocation</c>).</summary>
    public string ChromiumPath { get; }

    /// <summary>The chromedriver executable.</summary>
    public string ChromeDriverPath { get; }

    /// <summary>Whether <see cref="OptionalVariable"/> is set in this process's environment.</summary>
    public static bool IsOptional => IsTrue(Environment.GetEnvironmentVariable(OptionalVariable));

    /// <summary>
    /// Finds Chromium and chromedriver: the environment overrides first (a named file that does not exist is an
    /// error, not a reason to search further), then <c>PATH</c>, then Debian's and other distributions' paths.
    /// For Chromium, Debian's wrapper script is replaced by the binary it runs.
    /// </summary>
    /// <param name="problem">When nothing usable is found: what is missing and how to fix it.</param>
    /// <param name="environment">Reads an environment variable; the process environment when <see langword="null"/>.</param>
    /// <param name="path">The <c>PATH</c> to search; the process's when <see langword="null"/>.</param>
    /// <returns>The installation, or <see langword="null"/> with <paramref name="problem"/> set.</returns>
    public static BrowserInstallation? Locate(
        out string problem, Func<string, string?>? environment = null, string? path = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        path ??= Environment.GetEnvironmentVariable("PATH") ?? string.Empty;

        var chromium = Find(environment(ChromiumVariable), ChromiumVariable, ChromiumNames, ChromiumCandidates, path, out var chromiumProblem);
        if (chromium is not null && chromium == "/usr/bin/chromium" && IsExecutable("/usr/lib/chromium/chromium"))
        {
            chromium = "/usr/lib/chromium/chromium";
        }

        var driver = Find(environment(ChromeDriverVariable), ChromeDriverVariable, ["chromedriver"], ChromeDriverCandidates, path, out var driverProblem);
        if (chromium is null || driver is null)
        {
            problem = string.Join(' ', new[] { chromiumProblem, driverProblem }.Where(p => p.Length > 0)) + " " + InstallHint;
            return null;
        }

        problem = string.Empty;
        return new BrowserInstallation(chromium, driver);
    }

    /// <summary>
    /// <see cref="Locate"/> for a test: the installation, or the test ends with NUnit's <c>Assert.Ignore</c> when
    /// <see cref="OptionalVariable"/> is set and <c>Assert.Fail</c> otherwise, both with the actionable message.
    /// </summary>
    /// <returns>The installation.</returns>
    public static BrowserInstallation Require()
    {
        var installation = Locate(out var problem);
        if (installation is not null)
        {
            return installation;
        }

        if (IsOptional)
        {
            Assert.Ignore($"No browser for the browser tests ({OptionalVariable} is set): {problem}");
        }

        Assert.Fail($"No browser for the browser tests: {problem}");
        throw new InvalidOperationException("unreachable: Assert.Fail throws");
    }

    /// <inheritdoc />
    public override string ToString() => $"chromium {ChromiumPath}, chromedriver {ChromeDriverPath}";

    internal static bool IsTrue(string? value) =>
        value is not null && (value.Trim() == "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));

    private static string? Find(
        string? overridePath, string variable, string[] names, string[] candidates, string path, out string problem)
    {
        problem = string.Empty;
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            if (IsExecutable(overridePath))
            {
                return Path.GetFullPath(overridePath);
            }

            problem = $"{variable} is '{overridePath}', which is not an executable file.";
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var file = Path.Combine(directory, name);
                if (IsExecutable(file))
                {
                    return file;
                }
            }
        }

        foreach (var candidate in candidates)
        {
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        problem = $"{names[0]} was found neither on PATH nor at {string.Join(", ", candidates)}.";
        return null;
    }

    private static bool IsExecutable(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        return (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
