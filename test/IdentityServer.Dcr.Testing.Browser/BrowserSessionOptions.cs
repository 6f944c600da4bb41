// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Testing.Browser;

/// <summary>How <see cref="BrowserSession.StartAsync"/> starts the browser.</summary>
public sealed class BrowserSessionOptions
{
    /// <summary>
    /// Certificates whose TLS errors the browser ignores, by public key (Chromium's
    /// <c>--ignore-certificate-errors-spki-list</c>): a server that presents one of them in its chain is accepted
    /// even though no trusted root issued it. Add the test server's certificate, or a test CA that the server sends
    /// in its chain. Every other server is still verified.
    /// </summary>
    public IList<X509Certificate2> TrustedCertificates { get; } = [];

    /// <summary>
    /// Ignores every TLS error (Chromium's <c>--ignore-certificate-errors</c>). A last resort, for a server whose
    /// certificate the test does not have; prefer <see cref="TrustedCertificates"/>, which keeps the rest verified.
    /// </summary>
    public bool IgnoreAllCertificateErrors { get; set; }

    /// <summary>
    /// Host names (for example the TPP's <c>tpp.example</c>) that the browser resolves to a loopback HTTPS listener
    /// of the session instead of the network (Chromium's <c>--host-resolver-rules</c>). The listener records every
    /// request and answers 200 with a short page, so a redirect to a <c>redirect_uri</c> on a host that does not exist
    /// is captured without a server there: see <see cref="BrowserSession.WaitForRedirectAsync"/>. HTTPS only.
    /// </summary>
    public IList<string> InterceptedHosts { get; } = [];

    /// <summary>How long <c>Wait…</c> and <c>Find…</c> methods poll before they fail. Default: 5 seconds.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a page may take to load. Default: 10 seconds.</summary>
    public TimeSpan PageLoadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one command to chromedriver may take, starting the browser included. Default: 30 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The window size, which is also the screenshots' size. Default: 1280 x 900.</summary>
    public (int Width, int Height) WindowSize { get; set; } = (1280, 900);

    /// <summary>
    /// Whether to pass <c>--no-sandbox</c>. Chromium's sandbox cannot start as root, so by default it is off exactly
    /// when the process is privileged (CI runs as root).
    /// </summary>
    public bool NoSandbox { get; set; } = Environment.IsPrivilegedProcess;

    /// <summary>
    /// Further Chromium arguments. The environment variable <c>DCR_TEST_CHROMIUM_ARGS</c> (space-separated) adds
    /// more, for a machine that needs them.
    /// </summary>
    public IList<string> AdditionalArguments { get; } = [];

    /// <summary>The installation to use; found with <see cref="BrowserInstallation.Require"/> when <see langword="null"/>.</summary>
    public BrowserInstallation? Installation { get; set; }
}
