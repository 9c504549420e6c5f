// The HTML report: `kmssim report` and `kmssim run --html` both call renderHtmlReport.

export { renderHtmlReport, type HtmlReportOptions } from "./html-report.js";
export { readReportFile, type ReportInput } from "./read-result.js";
