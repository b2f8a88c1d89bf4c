/* The desk starts Decap CMS itself (desk.js calls CMS.init with the configuration the build generated). */
window.CMS_MANUAL_INIT = true;
