// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NUnit.Framework.Interfaces;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace IdentityServer.Dcr.Testing.Browser;

/// <summary>
/// One headless Chromium, driven through chromedriver, for an end-to-end test of server-rendered pages (the OBIE
/// authorization journey: sign in, approve a consent, be redirected to the TPP).
/// </summary>
/// <remarks>
/// <para>
/// Offline: Chromium and chromedriver are the machine's (<see cref="BrowserInstallation"/>), given to Selenium by path
/// so that Selenium Manager is never asked for a driver, and <c>SE_OFFLINE</c> is set for anything that would still
/// call it. Each session has its own temporary profile, deleted at disposal.
/// </para>
/// <para>
/// Every <c>Wait…</c> and <c>Find…</c> method polls for at most <see cref="BrowserSessionOptions.WaitTimeout"/>; when
/// one fails it first saves a screenshot and the page source as test attachments (<see cref="SaveArtefacts"/>).
/// Disposed in an NUnit <c>[TearDown]</c>, the session does the same when the test failed; <see cref="RunAsync"/> does
/// it for a session used in the test body.
/// </para>
/// </remarks>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Environment variable with further Chromium arguments, separated by spaces.</summary>
    public const string ArgumentsVariable = "DCR_TEST_CHROMIUM_ARGS";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ChromeDriverService _service;
    private readonly ChromeDriver _driver;
    private readonly RedirectCatcher? _catcher;
    private readonly string _profileDirectory;
    private readonly string _driverLog;
    private readonly TimeSpan _waitTimeout;
    private readonly string[] _interceptedHosts;
    // Numbers artefact files across sessions, so that two sessions of one test do not overwrite each other's.
    private static int _artefactNumber;

    private readonly List<string> _artefacts = [];
    private bool _disposed;

    private BrowserSession(
        ChromeDriverService service, ChromeDriver driver, RedirectCatcher? catcher, string profileDirectory,
        string driverLog, BrowserSessionOptions options)
    {
        _service = service;
        _driver = driver;
        _catcher = catcher;
        _profileDirectory = profileDirectory;
        _driverLog = driverLog;
        _waitTimeout = options.WaitTimeout;
        _interceptedHosts = [.. options.InterceptedHosts];
    }

    /// <summary>The Selenium driver, for what this class does not wrap.</summary>
    public IWebDriver Driver => _driver;

    /// <summary>The browser's current URL.</summary>
    public Uri Url => new(_driver.Url);

    /// <summary>The current page's title.</summary>
    public string Title => _driver.Title;

    /// <summary>The current page's HTML, as the browser has it now.</summary>
    public string PageSource => _driver.PageSource;

    /// <summary>The visible text of the current page's body.</summary>
    public string PageText => _driver.FindElement(By.TagName("body")).Text;

    /// <summary>The browser's version, as chromedriver reports it.</summary>
    public string BrowserVersion => _driver.Capabilities.GetCapability("browserVersion")?.ToString() ?? "unknown";

    /// <summary>
    /// The requests that reached the loopback listener of <see cref="BrowserSessionOptions.InterceptedHosts"/>, oldest
    /// first, with the URL as the browser asked for it (for example <c>https://tpp.example/callback?code=…</c>).
    /// </summary>
    public IReadOnlyList<Uri> InterceptedRequests => _catcher?.Requests ?? [];

    /// <summary>The artefact files saved so far by <see cref="SaveArtefacts"/>, oldest first.</summary>
    public IReadOnlyList<string> Artefacts
    {
        get
        {
            lock (_artefacts)
            {
                return [.. _artefacts];
            }
        }
    }

    /// <summary>
    /// Starts headless Chromium. When no browser is installed, the calling test is ignored if
    /// <c>DCR_TEST_BROWSER_OPTIONAL=1</c> and fails otherwise, saying what to install.
    /// </summary>
    /// <param name="options">How to start it; the defaults when <see langword="null"/>.</param>
    /// <returns>The running session; dispose it to stop the browser.</returns>
    public static async Task<BrowserSession> StartAsync(BrowserSessionOptions? options = null)
    {
        options ??= new BrowserSessionOptions();
        var installation = options.Installation ?? BrowserInstallation.Require();

        // Selenium Manager (a Rust binary in the package) is only consulted when a driver or browser path is missing;
        // both are given below. SE_OFFLINE makes it refuse the network should anything still start it.
        Environment.SetEnvironmentVariable("SE_OFFLINE", "true");

        var profile = Directory.CreateTempSubdirectory("dcr-chromium-").FullName;
        var driverLog = Path.Combine(profile, "chromedriver.log");
        RedirectCatcher? catcher = null;
        ChromeDriverService? service = null;
        try
        {
            if (options.InterceptedHosts.Count > 0)
            {
                catcher = await RedirectCatcher.StartAsync([.. options.InterceptedHosts]).ConfigureAwait(false);
            }

            var chrome = BuildOptions(options, installation, Path.Combine(profile, "user-data"), catcher);
            service = ChromeDriverService.CreateDefaultService(
                Path.GetDirectoryName(installation.ChromeDriverPath)!, Path.GetFileName(installation.ChromeDriverPath));
            service.SuppressInitialDiagnosticInformation = true;
            service.HideCommandPromptWindow = true;
            service.LogPath = driverLog;

            var started = service;
            var driver = await Task.Run(() => new ChromeDriver(started, chrome, options.CommandTimeout)).ConfigureAwait(false);
            driver.Manage().Timeouts().PageLoad = options.PageLoadTimeout;
            driver.Manage().Timeouts().AsynchronousJavaScript = options.WaitTimeout;
            return new BrowserSession(service, driver, catcher, profile, driverLog, options);
        }
        catch (WebDriverException exception)
        {
            var log = File.Exists(driverLog) ? Tail(await File.ReadAllTextAsync(driverLog).ConfigureAwait(false)) : "(no log)";
            await CleanUpAsync(service, catcher, profile).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Chromium did not start ({installation}): {exception.Message}{Environment.NewLine}chromedriver log:"
                + $"{Environment.NewLine}{log}{Environment.NewLine}{BrowserInstallation.InstallHint}", exception);
        }
        catch
        {
            await CleanUpAsync(service, catcher, profile).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The Base64 SHA-256 of a certificate's SubjectPublicKeyInfo, the form Chromium's SPKI lists take.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>The hash.</returns>
    public static string SpkiHash(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Opens a URL and waits until the page has loaded.</summary>
    /// <param name="url">The URL.</param>
    /// <returns>A task that completes when the page has loaded.</returns>
    public Task NavigateAsync(Uri url) => _driver.Navigate().GoToUrlAsync(url);

    /// <summary>
    /// Finds a form control by its label's text (exact, after trimming), its <c>aria-label</c>, its <c>name</c> or its
    /// <c>id</c>, waiting for it to appear.
    /// </summary>
    /// <param name="labelOrName">The label text, name or id.</param>
    /// <returns>The control.</returns>
    public Task<IWebElement> FindFieldAsync(string labelOrName) =>
        WaitForAsync(
            () => Script<IWebElement>(
                """
                const key = arguments[0];
                const label = Array.from(document.querySelectorAll('label')).find(l => l.textContent.trim() === key);
                if (label && label.control) { return label.control; }
                const controls = Array.from(document.querySelectorAll('input, select, textarea, button'));
                return controls.find(c => c.getAttribute('aria-label') === key)
                    ?? controls.find(c => c.name === key && c.type !== 'hidden')
                    ?? document.getElementById(key);
                """,
                labelOrName),
            $"a form field labelled or named '{labelOrName}'");

    /// <summary>Types a value into a field found by <see cref="FindFieldAsync"/>, replacing what it held.</summary>
    /// <param name="labelOrName">The label text, name or id.</param>
    /// <param name="value">The value.</param>
    /// <returns>A task that completes when the value has been typed.</returns>
    public async Task FillAsync(string labelOrName, string value)
    {
        var field = await FindFieldAsync(labelOrName).ConfigureAwait(false);
        field.Clear();
        field.SendKeys(value);
    }

    /// <summary>Selects an option, by its visible text, in a <c>select</c> found by <see cref="FindFieldAsync"/>.</summary>
    /// <param name="labelOrName">The label text, name or id.</param>
    /// <param name="optionText">The option's text.</param>
    /// <returns>A task that completes when the option is selected.</returns>
    public async Task SelectAsync(string labelOrName, string optionText)
    {
        var field = await FindFieldAsync(labelOrName).ConfigureAwait(false);
        new SelectElement(field).SelectByText(optionText);
    }

    /// <summary>Ticks or clears a checkbox found by <see cref="FindFieldAsync"/>.</summary>
    /// <param name="labelOrName">The label text, name or id.</param>
    /// <param name="isChecked">Whether it should be ticked.</param>
    /// <returns>A task that completes when the box is in that state.</returns>
    public async Task CheckAsync(string labelOrName, bool isChecked = true)
    {
        var field = await FindFieldAsync(labelOrName).ConfigureAwait(false);
        if (field.Selected != isChecked)
        {
            field.Click();
        }
    }

    /// <summary>
    /// Finds a button (<c>button</c>, or an <c>input</c> of type submit or button) by its text or value (exact, after
    /// trimming), its <c>aria-label</c>, or its <c>id</c>, waiting for it to appear.
    /// </summary>
    /// <param name="textOrId">The text, value or id.</param>
    /// <returns>The button.</returns>
    public Task<IWebElement> FindButtonAsync(string textOrId) =>
        WaitForAsync(
            () => Script<IWebElement>(
                """
                const key = arguments[0];
                const buttons = Array.from(document.querySelectorAll(
                    'button, input[type=submit], input[type=button], [role=button]'));
                return buttons.find(b => (b.tagName === 'INPUT' ? b.value : b.textContent).trim() === key)
                    ?? buttons.find(b => b.getAttribute('aria-label') === key)
                    ?? buttons.find(b => b.id === key);
                """,
                textOrId),
            $"a button '{textOrId}'");

    /// <summary>
    /// Clicks a button found by <see cref="FindButtonAsync"/>. When it submits a form, chromedriver returns once the
    /// next page has started loading; wait for what should follow with <see cref="WaitForUrlAsync"/> or
    /// <see cref="WaitForTextAsync"/>.
    /// </summary>
    /// <param name="textOrId">The text, value or id.</param>
    /// <returns>A task that completes when the button has been clicked.</returns>
    public async Task ClickAsync(string textOrId)
    {
        var button = await FindButtonAsync(textOrId).ConfigureAwait(false);
        button.Click();
    }

    /// <summary>Waits for an element matching a CSS selector.</summary>
    /// <param name="cssSelector">The selector.</param>
    /// <returns>The first matching element.</returns>
    public Task<IWebElement> WaitForElementAsync(string cssSelector) =>
        WaitForAsync(() => _driver.FindElements(By.CssSelector(cssSelector)).FirstOrDefault(), $"an element '{cssSelector}'");

    /// <summary>Waits until the page's visible text contains a string (ordinal comparison).</summary>
    /// <param name="text">The text.</param>
    /// <returns>A task that completes when the text is shown.</returns>
    public Task WaitForTextAsync(string text) =>
        WaitForAsync(
            () => Script<string>("return document.body ? document.body.innerText : '';")?.Contains(text, StringComparison.Ordinal) == true ? text : null,
            $"the text '{text}' on the page");

    /// <summary>Waits until the browser's URL satisfies a predicate (a redirect, a page change).</summary>
    /// <param name="predicate">The condition on the URL.</param>
    /// <param name="description">What is awaited, for the failure message.</param>
    /// <returns>The URL that satisfied it.</returns>
    public Task<Uri> WaitForUrlAsync(Func<Uri, bool> predicate, string description = "a URL matching the condition")
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return WaitForAsync(() => Uri.TryCreate(_driver.Url, UriKind.Absolute, out var url) && predicate(url) ? url : null, description);
    }

    /// <summary>
    /// Waits for a request to an intercepted host (<see cref="BrowserSessionOptions.InterceptedHosts"/>) whose URL
    /// satisfies a predicate: the redirect to the TPP's <c>redirect_uri</c>, captured without a server there.
    /// </summary>
    /// <param name="predicate">The condition on the URL; any request when <see langword="null"/>.</param>
    /// <returns>The first captured URL that satisfied it.</returns>
    public Task<Uri> WaitForRedirectAsync(Func<Uri, bool>? predicate = null)
    {
        if (_catcher is null)
        {
            throw new InvalidOperationException(
                $"No host is intercepted: add the redirect_uri's host to {nameof(BrowserSessionOptions)}.{nameof(BrowserSessionOptions.InterceptedHosts)}.");
        }

        predicate ??= _ => true;
        return WaitForAsync(
            () => _catcher.Requests.FirstOrDefault(predicate),
            $"a request to {string.Join(" or ", _interceptedHosts)} (intercepted so far: "
            + $"{(_catcher.Requests.Count == 0 ? "none" : string.Join(", ", _catcher.Requests))})");
    }

    /// <summary>
    /// Polls a condition until it yields a value, for at most the session's wait time-out. On time-out, saves the
    /// artefacts and throws <see cref="TimeoutException"/>, whose message says what was awaited and where the browser was.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="probe">Returns the value, or <see langword="null"/> while it is not there yet.</param>
    /// <param name="description">What is awaited.</param>
    /// <param name="timeout">The time-out; the session's when <see langword="null"/>.</param>
    /// <returns>The value.</returns>
    public async Task<T> WaitForAsync<T>(Func<T?> probe, string description, TimeSpan? timeout = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var limit = timeout ?? _waitTimeout;
        var clock = Stopwatch.StartNew();
        WebDriverException? last = null;
        while (true)
        {
            try
            {
                var value = probe();
                if (value is not null)
                {
                    return value;
                }
            }
            catch (StaleElementReferenceException exception)
            {
                last = exception; // the page changed under the probe: try again
            }
            catch (JavaScriptException exception)
            {
                last = exception; // a page between two loads: try again
            }

            if (clock.Elapsed >= limit)
            {
                break;
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        var where = SafeUrl();
        var saved = SaveArtefacts("timeout");
        throw new TimeoutException(
            $"Waited {limit.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s for {description}; the browser is at "
            + $"{where} (page title '{SafeTitle()}').{(saved.Count > 0 ? " Saved: " + string.Join(", ", saved) : string.Empty)}",
            last);
    }

    /// <summary>
    /// Runs test steps with this session; if they throw (an assertion included), saves the artefacts and rethrows.
    /// For sessions used in a test body, where disposal comes before NUnit knows the outcome.
    /// </summary>
    /// <param name="steps">The steps.</param>
    /// <returns>A task that completes with the steps.</returns>
    public async Task RunAsync(Func<BrowserSession, Task> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps(this).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not (IgnoreException or InconclusiveException or SuccessException))
        {
            SaveArtefacts("failure");
            throw;
        }
    }

    /// <summary>
    /// Saves a screenshot, the page source and the URL of the current page, and chromedriver's log, under the test's
    /// work directory (<c>browser-artefacts/&lt;test&gt;/</c>) and attaches them to the test result.
    /// </summary>
    /// <param name="label">A short name for the moment (for example <c>failure</c>).</param>
    /// <returns>The files written; what could not be captured (a crashed browser) is skipped.</returns>
    public IReadOnlyList<string> SaveArtefacts(string label)
    {
        var context = TestContext.CurrentContext;
        var fixture = context.Test.ClassName?.Split('.')[^1] ?? "fixture";
        var directory = Path.Combine(context.WorkDirectory, "browser-artefacts", Sanitize(fixture), Sanitize(context.Test.Name));
        Directory.CreateDirectory(directory);
        var prefix = Path.Combine(directory, $"{Interlocked.Increment(ref _artefactNumber):000}-{Sanitize(label)}");
        var files = new List<string>();

        Try(() =>
        {
            _driver.GetScreenshot().SaveAsFile(prefix + ".png");
            files.Add(prefix + ".png");
        });
        Try(() =>
        {
            File.WriteAllText(prefix + ".html", $"<!-- {SafeUrl()} -->{Environment.NewLine}{_driver.PageSource}");
            files.Add(prefix + ".html");
        });
        Try(() =>
        {
            if (File.Exists(_driverLog))
            {
                File.Copy(_driverLog, prefix + ".chromedriver.log", overwrite: true);
                files.Add(prefix + ".chromedriver.log");
            }
        });

        foreach (var file in files)
        {
            TestContext.AddTestAttachment(file, $"browser {label}: {Path.GetFileName(file)}");
        }

        lock (_artefacts)
        {
            _artefacts.AddRange(files);
        }

        TestContext.Out.WriteLine($"Browser artefacts ({label}, at {SafeUrl()}): {string.Join(", ", files)}");
        return files;
    }

    /// <summary>
    /// Stops the browser, chromedriver and the redirect listener, and deletes the profile. When the current NUnit test
    /// has failed (disposal in <c>[TearDown]</c>), saves the artefacts first.
    /// </summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed && Artefacts.Count == 0)
        {
            SaveArtefacts("failure");
        }

        Try(_driver.Quit);
        _driver.Dispose();
        await CleanUpAsync(_service, _catcher, _profileDirectory).ConfigureAwait(false);
    }

    private static ChromeOptions BuildOptions(
        BrowserSessionOptions options, BrowserInstallation installation, string userDataDirectory, RedirectCatcher? catcher)
    {
        var chrome = new ChromeOptions
        {
            BinaryLocation = installation.ChromiumPath,
            PageLoadStrategy = PageLoadStrategy.Normal,
        };
        chrome.AddArguments(
            "--headless=new",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            $"--user-data-dir={userDataDirectory}",
            $"--window-size={options.WindowSize.Width},{options.WindowSize.Height}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--password-store=basic",
            "--lang=en-GB");
        if (options.NoSandbox)
        {
            chrome.AddArgument("--no-sandbox");
        }

        var spki = options.TrustedCertificates.Select(SpkiHash).ToList();
        if (catcher is not null)
        {
            spki.Add(SpkiHash(catcher.Certificate));
            var rules = options.InterceptedHosts.Select(host => $"MAP {host} 127.0.0.1:{catcher.Port}");
            chrome.AddArgument($"--host-resolver-rules={string.Join(',', rules)}");
        }

        if (spki.Count > 0)
        {
            // Honoured only together with --user-data-dir, which every session has.
            chrome.AddArgument($"--ignore-certificate-errors-spki-list={string.Join(',', spki.Distinct(StringComparer.Ordinal))}");
        }

        if (options.IgnoreAllCertificateErrors)
        {
            chrome.AddArgument("--ignore-certificate-errors");
            chrome.AcceptInsecureCertificates = true;
        }

        chrome.AddArguments(options.AdditionalArguments);
        var extra = Environment.GetEnvironmentVariable(ArgumentsVariable);
        if (!string.IsNullOrWhiteSpace(extra))
        {
            chrome.AddArguments(extra.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return chrome;
    }

    private static async Task CleanUpAsync(ChromeDriverService? service, RedirectCatcher? catcher, string profile)
    {
        service?.Dispose();
        if (catcher is not null)
        {
            await catcher.DisposeAsync().ConfigureAwait(false);
        }

        // Chromium's last child processes may still hold files for a moment after Quit.
        for (var attempt = 0; attempt < 10 && Directory.Exists(profile); attempt++)
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
            catch (UnauthorizedAccessException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (WebDriverException)
        {
            // The browser is gone or busy: keep what else can be had.
        }
        catch (IOException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Sanitize(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var sanitized = new string([.. name.Select(c => invalid.Contains(c) || c is '"' or '(' or ')' or ',' or ' ' ? '_' : c)]);
        if (sanitized.Length <= 100)
        {
            return sanitized;
        }

        // Keep names unique (test cases differ in their arguments, at the end) but short enough for any file system.
        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
        return $"{sanitized[..91]}-{hash}";
    }

    private static string Tail(string text) => text.Length > 4000 ? "…" + text[^4000..] : text;

    private T? Script<T>(string script, params object[] arguments)
        where T : class => _driver.ExecuteScript(script, arguments) as T;

    private string SafeUrl()
    {
        try
        {
            return _driver.Url;
        }
        catch (WebDriverException)
        {
            return "(unknown: the browser does not answer)";
        }
    }

    private string SafeTitle()
    {
        try
        {
            return _driver.Title;
        }
        catch (WebDriverException)
        {
            return "?";
        }
    }
}
